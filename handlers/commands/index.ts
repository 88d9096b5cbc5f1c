import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../kit/deps.ts';
import * as cert from './cert.ts';

/** Slash commands. */
export function register(app: App, deps: HandlerDeps): void {
  cert.register(app, deps);
}
