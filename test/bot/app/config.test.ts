import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configVariables, loadConfig } from '../../../bot/app/config.ts';

describe('configuration', () => {
  it('the README table lists every variable with its default, and nothing else', async () => {
    const readme = await readFile(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| (.*?) \| (.*?) \|$/gm)].map((m) => ({
      name: m[1],
      default: m[2],
      doc: m[3],
    }));
    expect(rows).toEqual(
      Object.entries(configVariables).map(([name, v]) => ({ name, default: v.default, doc: v.doc })),
    );
  });

  it('defaults to dry-run on the embedded database', () => {
    const result = loadConfig({}, '/srv/kigen');
    expect(result).toMatchObject({
      ok: true,
      value: {
        databaseUrl: undefined,
        dataDir: '/srv/kigen/.kigen',
        slack: { kind: 'dry-run' },
        locale: 'ja',
        notices: { deliveryTime: '09:00', decisionDeadlineDays: 26, dataDeadlineDays: 21 },
      },
    });
  });

  it.each([
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }, 'socket'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, 'http'],
    [{ SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: '' }, 'dry-run'],
  ])('selects the Slack mode from the credentials given (%j → %s)', (env, kind) => {
    const result = loadConfig(env);
    expect(result.ok && result.value.slack.kind).toBe(kind);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://h/db' }, 'DATABASE_URL'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, 'SLACK_BOT_TOKEN'],
    [{ KIGEN_DELIVERY_TIME: '9am' }, 'KIGEN_DELIVERY_TIME'],
    [{ KIGEN_DECISION_DEADLINE_DAYS: '20', KIGEN_DATA_DEADLINE_DAYS: '25' }, 'KIGEN_DATA_DEADLINE_DAYS'],
    [{ PORT: '70000' }, 'PORT'],
  ])('refuses %j, naming %s and never its value', (env, variable) => {
    const result = loadConfig(env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.some((p) => p.startsWith(`${variable}:`))).toBe(true);
    for (const value of Object.values(env)) expect(result.problems.join('\n')).not.toContain(value);
  });
});
