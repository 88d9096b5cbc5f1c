import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/app/config.ts';
import { seedContracts } from '../../scheduler/notice-fixtures.ts';
import { useKigenRuns } from '../../support/kigen-runs.ts';
import {
  eventually,
  exitWithin,
  health,
  logLine,
  messageOf,
  waitForLine,
} from '../../support/kigen-watch.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();
const kigen = useKigenRuns();

const KEY_32 = randomBytes(32);
const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1-config', SLACK_APP_TOKEN: 'xapp-1-config' };

const problemsOf = (env: Record<string, string>) => {
  const result = loadConfig(env);
  return result.ok ? [] : result.problems;
};

describe('the configuration refuses at start, in one line naming the variable (never its value)', () => {
  it.each([
    ['a short text', 'short'],
    ['16 bytes as hex', randomBytes(16).toString('hex')],
    ['16 bytes as base64', randomBytes(16).toString('base64')],
    ['a passphrase', 'correct horse battery staple'],
    ['64 characters that are not hex', 'z'.repeat(64)],
  ])('KIGEN_MASTER_KEY of %s: not 32 bytes', (_kind, value) => {
    const problems = problemsOf({ KIGEN_MASTER_KEY: value });
    expect(problems).toEqual([
      'KIGEN_MASTER_KEY: expected 32 bytes as base64 or hex, e.g. the output of openssl rand -base64 32',
    ]);
    expect(problems.join()).not.toContain(value);
  });

  it.each([
    ['hex', KEY_32.toString('hex')],
    ['base64', KEY_32.toString('base64')],
    ['base64url', KEY_32.toString('base64url')],
  ])('KIGEN_MASTER_KEY of 32 bytes as %s is taken', (_kind, value) => {
    const result = loadConfig({ KIGEN_MASTER_KEY: ` ${value}\n` });
    expect(result.ok && result.value.masterKey).toBe(value);
  });

  it.each([
    [
      'SLACK_BOT_TOKEN',
      { ...SLACK, SLACK_BOT_TOKEN: 'xapp-1-config' },
      'SLACK_BOT_TOKEN: expected a bot token (xoxb-…); check that the two Slack tokens are not swapped',
    ],
    [
      'SLACK_APP_TOKEN',
      { ...SLACK, SLACK_APP_TOKEN: 'xoxb-1-config' },
      'SLACK_APP_TOKEN: expected an app-level token (xapp-…); check that the two Slack tokens are not swapped',
    ],
    [
      'SLACK_BOT_TOKEN (a user token)',
      { SLACK_BOT_TOKEN: 'xoxp-1-config', SLACK_SIGNING_SECRET: 'signing-secret-config' },
      'SLACK_BOT_TOKEN: expected a bot token (xoxb-…); check that the two Slack tokens are not swapped',
    ],
  ])('%s of the wrong kind', (_name, env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('kigen start: one line, exit 2, before any database is opened', async () => {
    const dataDir = await kigen.dataDir('kigen-config-');
    const run = kigen.start({ KIGEN_DATA_DIR: dataDir, KIGEN_MASTER_KEY: 'short', ...SLACK });
    expect(await exitWithin(run, 30_000)).toBe(2);
    expect(run.lines).toEqual([
      'kigen: configuration: KIGEN_MASTER_KEY: expected 32 bytes as base64 or hex, e.g. the output of openssl rand -base64 32',
    ]);
  });
});

describe('Slack mode without KIGEN_MASTER_KEY, with proxy contracts in the database', () => {
  it('says so at start (one warn line) and in /healthz: masterKey missing, status degraded (still 200)', async () => {
    await seedContracts(database.current.db, {
      count: 3,
      category: 'proxy',
      notAfter: new Date(Date.now() + 400 * 86_400_000),
    });
    await seedContracts(database.current.db, {
      count: 2,
      category: 'byo',
      notAfter: new Date(Date.now() + 400 * 86_400_000),
    });
    const slack = await kigen.slackStandIn();
    const dataDir = await kigen.dataDir('kigen-config-');
    const run = kigen.start({
      DATABASE_URL: database.current.url,
      KIGEN_DATA_DIR: dataDir,
      ...SLACK,
      SLACK_API_URL: slack.url,
      KIGEN_HTTP_PORT: '0',
      LOG_LEVEL: 'info',
    });
    await waitForLine(run, /^Kigen is running/);
    const warnings = run.lines.filter((l) => logLine(l)?.level === 40).map(messageOf);
    expect(warnings).toEqual([
      'masterKey: missing, 3 proxy contract(s) cannot be auto-renewed (set KIGEN_MASTER_KEY)',
    ]);

    const port = Number(logLine(await waitForLine(run, /^Health and metrics on/))?.port);
    const report = await eventually(
      () => health(port),
      (h) => h.status !== 0,
    );
    expect(report).toEqual({
      status: 200,
      body: {
        status: 'degraded',
        database: 'ok',
        scheduler: 'ok',
        slack: 'ok',
        masterKey: 'missing',
        reasons: ['masterKey: missing, 3 proxy contract(s) cannot be auto-renewed (set KIGEN_MASTER_KEY)'],
      },
    });
    run.child.kill('SIGTERM');
    expect(await exitWithin(run, 10_000)).toBe(0);
  });
});
