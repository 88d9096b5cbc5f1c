#!/usr/bin/env node
// The container's HEALTHCHECK: GET /healthz of the Kigen in this container; exit 0 when it answers 200.
// The port follows the mode, as bot/config.ts selects it: the HTTP receiver's PORT when a bot token and
// a signing secret are set without an app token, else KIGEN_HTTP_PORT (Socket Mode and dry-run).
const env = process.env;
const set = (name) => (env[name] ?? '').trim() !== '';
const http = set('SLACK_BOT_TOKEN') && !set('SLACK_APP_TOKEN') && set('SLACK_SIGNING_SECRET');
const port = http ? env.PORT || '3000' : env.KIGEN_HTTP_PORT || '3001';
if (!/^\d+$/.test(port) || port === '0') {
  process.stderr.write(`healthcheck: no fixed health port (KIGEN_HTTP_PORT=${port})\n`);
  process.exit(1);
}
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  process.stdout.write(`${response.status} ${await response.text()}\n`);
  process.exit(response.status === 200 ? 0 : 1);
} catch (error) {
  process.stderr.write(`healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
