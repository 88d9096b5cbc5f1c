import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Docker is not available where the tests run: these check the Dockerfile's invariants as text, and
// run the container's health check script for real.
const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFile(path.join(root, file), 'utf8');

/** Instructions of a Dockerfile: continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfile', () => {
  it('is multi-stage on node:24-bookworm-slim (Node 20 reached its end of life on 2026-04-30), installs with npm ci in the build stage', async () => {
    const all = instructions(await read('Dockerfile'));
    const froms = all.filter((i) => i.op === 'FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from.args).toMatch(/^node:24-bookworm-slim\b/);
    const build = all.slice(0, all.lastIndexOf(froms[froms.length - 1] as { op: string; args: string }));
    expect(build.some((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args))).toBe(true);
  });

  it('the runtime stage runs as a non-root user, in production, with a health check, a data volume and the start command', async () => {
    const all = instructions(await read('Dockerfile'));
    const runtime = all.slice(all.map((i) => i.op).lastIndexOf('FROM'));
    const users = runtime.filter((i) => i.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1]?.args ?? '';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // Nothing runs as root after the USER line (the CMD and the HEALTHCHECK included).
    const userAt = runtime.lastIndexOf(users[users.length - 1] as { op: string; args: string });
    expect(runtime.slice(userAt).some((i) => i.op === 'RUN')).toBe(false);
    expect(runtime.findIndex((i) => i.op === 'CMD')).toBeGreaterThan(userAt);

    expect(runtime.some((i) => i.op === 'ENV' && /\bNODE_ENV=production\b/.test(i.args))).toBe(true);
    const healthcheck = runtime.find((i) => i.op === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/CMD .*bin\/healthcheck\.js/);
    expect(runtime.find((i) => i.op === 'CMD')?.args).toBe(
      '["node", "--max-old-space-size=192", "bin/kigen.js", "start"]',
    );
    expect(runtime.find((i) => i.op === 'EXPOSE')?.args.split(/\s+/)).toContain('3000');
    expect(runtime.find((i) => i.op === 'VOLUME')?.args).toContain('/app/.kigen');
  });

  it('copies the code and nothing else: no data directory, no secrets, not the whole context', async () => {
    const all = instructions(await read('Dockerfile'));
    const copies = all.filter((i) => i.op === 'COPY' || i.op === 'ADD');
    expect(copies.every((i) => i.op === 'COPY')).toBe(true);
    const sources = copies.flatMap((i) => {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      return parts.slice(0, -1);
    });
    for (const source of sources) {
      expect(source).not.toMatch(/^\.\/?$|\.kigen|\.env|\.git|\.pem$|\.key$|^test|^bench|\*/);
    }
    // Every directory the running bot loads is there (bin/kigen.js → bot/cli.ts → the layers).
    for (const dir of ['bin', 'bot', 'db', 'domain', 'handlers', 'scheduler', 'examples']) {
      expect(sources).toContain(dir);
    }
    // No secret baked into the image.
    for (const i of all.filter((x) => x.op === 'ENV' || x.op === 'ARG')) {
      expect(i.args).not.toMatch(/TOKEN|SECRET|MASTER_KEY|DATABASE_URL|PASSWORD/i);
    }
  });

  it('.dockerignore keeps node_modules, the data directory, git and env files out of the build context', async () => {
    const ignored = (await read('.dockerignore')).split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', '.kigen', '.git', '.env']) expect(ignored).toContain(entry);
  });
});

describe('the container health check (bin/healthcheck.js)', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });
  const serve = async (status: number) => {
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? status : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: status === 200 ? 'ok' : 'unavailable' }));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const check = async (env: Record<string, string>) => {
    try {
      await promisify(execFile)(process.execPath, [path.join(root, 'bin/healthcheck.js')], {
        env: { PATH: process.env.PATH ?? '', ...env },
        timeout: 10_000,
      });
      return 0;
    } catch (error) {
      return (error as { code?: number }).code ?? -1;
    }
  };

  it('asks KIGEN_HTTP_PORT in Socket Mode and dry-run, PORT in HTTP mode; 200 passes, 503 and silence fail', async () => {
    const ok = await serve(200);
    const down = await serve(503);
    expect(await check({ KIGEN_HTTP_PORT: String(ok) })).toBe(0);
    expect(
      await check({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', KIGEN_HTTP_PORT: String(ok) }),
    ).toBe(0);
    expect(await check({ KIGEN_HTTP_PORT: String(down) })).toBe(1);
    expect(
      await check({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        PORT: String(ok),
        KIGEN_HTTP_PORT: String(down),
      }),
    ).toBe(0);
    expect(await check({ KIGEN_HTTP_PORT: 'off' })).toBe(1);
    const closed = await serve(200);
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await check({ KIGEN_HTTP_PORT: String(closed) })).toBe(1);
  });
});
