import { describe, expect, it } from 'vitest';
import type { KigenRun } from '../../support/kigen-process.ts';
import { useKigenRuns } from '../../support/kigen-runs.ts';
import {
  eventually,
  exitWithin,
  health,
  healthPort,
  logLine,
  messageOf,
  problemLines,
  waitForLine,
} from '../../support/kigen-watch.ts';
import { unreachableUrl } from '../../support/socket-mode-stand-in.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();
const kigen = useKigenRuns();

/** `kigen start` in Socket Mode against `slackApiUrl`, on this file's database. */
async function startSocketMode(slackApiUrl: string): Promise<KigenRun> {
  const dataDir = await kigen.dataDir('kigen-socket-');
  return kigen.start({
    DATABASE_URL: database.current.url,
    KIGEN_DATA_DIR: dataDir,
    SLACK_BOT_TOKEN: 'xoxb-socket-test',
    SLACK_APP_TOKEN: 'xapp-1-socket-test',
    SLACK_API_URL: slackApiUrl,
    KIGEN_HTTP_PORT: '0',
    LOG_LEVEL: 'info',
  });
}

/** A stop as users cause it: exit 0 within 10 s, one "Shutting down", then "Stopped"; nothing crashed. */
async function expectStoppedWithin10s(run: KigenRun) {
  run.child.kill('SIGTERM');
  expect(await exitWithin(run, 10_000), run.lines.join('\n')).toBe(0);
  const messages = run.lines.map(messageOf);
  expect(messages.filter((m) => m === 'Shutting down')).toHaveLength(1);
  expect(messages.lastIndexOf('Stopped'), run.lines.join('\n')).toBeGreaterThan(
    messages.indexOf('Shutting down'),
  );
  expect(problemLines(run), run.lines.join('\n')).toEqual([]);
}

describe('kigen start in Socket Mode', () => {
  it('while Slack cannot be reached: /healthz is 503 naming the Slack connection, and SIGTERM stops it within 10 s', async () => {
    const run = await startSocketMode(await unreachableUrl());
    const port = await healthPort(run);
    const report = await eventually(
      () => health(port),
      (h) => h.status !== 0,
    );
    expect(report).toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        database: 'ok',
        scheduler: 'ok',
        slack: 'connecting',
        reasons: ['slack: Socket Mode not connected yet (connecting)'],
      },
    });
    expect(run.lines.map(messageOf)).not.toContain('Kigen is running; stop it with Ctrl-C or SIGTERM');
    await expectStoppedWithin10s(run);
  });

  it.each([
    ['the database is opened', /^Kigen starting: Slack Socket Mode/],
    ['the scheduler starts', /^scheduler started$/],
    // Waiting for Slack: the test above.
  ])('SIGTERM while %s ends the start-up within 10 s, cleanly', async (_phase, line) => {
    const run = await startSocketMode(await unreachableUrl());
    await waitForLine(run, line);
    await expectStoppedWithin10s(run);
  });

  it('connected: /healthz is 200; a dropped connection is 503 "disconnected" until Socket Mode has reconnected', async () => {
    const slack = await kigen.slackStandIn();
    const run = await startSocketMode(slack.url);
    await waitForLine(run, /^Kigen is running/);
    const port = await healthPort(run);
    expect(await health(port)).toEqual({
      status: 200,
      body: { status: 'ok', database: 'ok', scheduler: 'ok', slack: 'ok' },
    });
    expect(slack.connections()).toBe(1);

    slack.dropConnections();
    await waitForLine(run, /^Slack Socket Mode disconnected; reconnecting$/);
    const down = await health(port);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      status: 'unavailable',
      slack: expect.stringMatching(/disconnected|connecting/),
    });
    expect(down.body.reasons).toEqual([expect.stringMatching(/^slack: Socket Mode /)]);

    await waitForLine(run, /^Slack Socket Mode connected again$/);
    expect(await health(port)).toMatchObject({ status: 200, body: { status: 'ok', slack: 'ok' } });
    expect(slack.connections()).toBe(2);
    await expectStoppedWithin10s(run);
  }, 30_000);

  it('a wrong app-level token (invalid_auth): one line naming SLACK_APP_TOKEN, exit 1, no stack trace', async () => {
    const slack = await kigen.slackStandIn({ appToken: 'invalid' });
    const run = await startSocketMode(slack.url);
    expect(await exitWithin(run, 20_000), run.lines.join('\n')).toBe(1);
    const problems = problemLines(run);
    expect(problems, run.lines.join('\n')).toHaveLength(1);
    expect(messageOf(problems[0] ?? '')).toMatch(
      /^SLACK_APP_TOKEN: Slack refused the app-level token \(invalid_auth\)/,
    );
    expect(logLine(problems[0] ?? '')).not.toHaveProperty('err');
    expect(run.lines.join('\n')).not.toMatch(/\n\s+at |"stack"|xapp-1-socket-test/);
    expect(slack.opened()).toBe(1);
    expect(run.lines.map(messageOf)).toContain('Stopped');
  });

  it('an error nothing handles (the token revoked while running: the reconnect is refused) is one line, then the same clean stop, exit 1', async () => {
    const slack = await kigen.slackStandIn({ appToken: 'revoked after the first connection' });
    const run = await startSocketMode(slack.url);
    await waitForLine(run, /^Kigen is running/);
    slack.dropConnections();
    expect(await exitWithin(run, 20_000), run.lines.join('\n')).toBe(1);
    const problems = problemLines(run);
    expect(problems, run.lines.join('\n')).toHaveLength(1);
    expect(messageOf(problems[0] ?? '')).toMatch(/^Kigen stops: unhandled rejection: .*invalid_auth/);
    expect(run.lines.join('\n')).not.toMatch(/\n\s+at |"stack"/);
    const messages = run.lines.map(messageOf);
    expect(messages.lastIndexOf('Stopped'), run.lines.join('\n')).toBeGreaterThan(
      messages.indexOf(messageOf(problems[0] ?? '')),
    );
    expect(slack.opened()).toBe(2);
  }, 30_000);
});
