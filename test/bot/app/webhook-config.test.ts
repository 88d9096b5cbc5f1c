import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/app/config.ts';

const SECRET = 'whsec-0123456789abcdef-never-logged';

describe('hand-over configuration', () => {
  it('refuses to start with KIGEN_WEBHOOK_URL but no secret, naming the variable', () => {
    const result = loadConfig({ KIGEN_WEBHOOK_URL: 'https://backoffice.example.jp/kigen' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.some((p) => p.startsWith('KIGEN_WEBHOOK_SECRET:'))).toBe(true);
  });

  it.each([
    [{ KIGEN_WEBHOOK_URL: 'ftp://x', KIGEN_WEBHOOK_SECRET: SECRET }, 'KIGEN_WEBHOOK_URL'],
    [
      { KIGEN_WEBHOOK_URL: 'https://x.example', KIGEN_WEBHOOK_SECRET: 'short-secret' },
      'KIGEN_WEBHOOK_SECRET',
    ],
    [{ KIGEN_OPS_CHANNEL: 'C0OPS1234' }, 'KIGEN_OPS_CHANNEL'],
    [
      { KIGEN_OPS_CHANNEL: '#cert-ops', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' },
      'KIGEN_OPS_CHANNEL',
    ],
    [{ KIGEN_OPS_USERS: 'U0STAFF1, bob' }, 'KIGEN_OPS_USERS'],
  ])('refuses %j, naming %s and never a secret', (env, variable) => {
    const result = loadConfig(env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.some((p) => p.startsWith(`${variable}:`))).toBe(true);
    expect(result.problems.join('\n')).not.toContain('short-secret');
    expect(result.problems.join('\n')).not.toContain(SECRET);
  });

  it('reads the operations channel, the staff list and the webhook', () => {
    const result = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      KIGEN_OPS_CHANNEL: 'C0OPS1234',
      KIGEN_OPS_USERS: ' U0STAFF1 ,U0STAFF2,,',
      KIGEN_WEBHOOK_URL: 'https://backoffice.example.jp/kigen',
      KIGEN_WEBHOOK_SECRET: SECRET,
    });
    expect(result.ok && result.value.operations).toEqual({
      channel: 'C0OPS1234',
      users: ['U0STAFF1', 'U0STAFF2'],
      webhook: { url: 'https://backoffice.example.jp/kigen', secret: SECRET },
    });
    const none = loadConfig({});
    expect(none.ok && none.value.operations).toEqual({ channel: undefined, users: [], webhook: undefined });
  });
});
