#!/usr/bin/env node
// Kigen runs its TypeScript sources directly (no build step): tsx is registered before they load.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../bot/app/cli.ts');
const code = await run(process.argv.slice(2));
process.exit(code);
