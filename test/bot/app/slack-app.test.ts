import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  answerText,
  CHANNEL,
  commandBody,
  HOOKS,
  postSigned,
  responseUrl,
  slashCommand,
  USERS,
  useSlackHarness,
} from '../../handlers/slack-harness.ts';

const harness = useSlackHarness();

describe('the Bolt app on its HTTP receiver', () => {
  it('GET /healthz answers 200 {status: ok} when the database answers', async () => {
    const response = await fetch(`http://127.0.0.1:${harness.current.port}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('a forged signature is rejected with 401 and nothing is answered', async () => {
    const hook = responseUrl();
    const posted = await postSigned(harness.current.port, commandBody(hook.url), {
      signature: `v0=${'0'.repeat(64)}`,
    });
    expect(posted.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(nock.pendingMocks()).toContain(`POST ${HOOKS}:443${hook.path}`);
  });

  it('a body signed with another secret is rejected with 401', async () => {
    const hook = responseUrl();
    const body = commandBody(hook.url);
    const ts = Math.floor(Date.now() / 1000);
    const { createHmac } = await import('node:crypto');
    const signature = `v0=${createHmac('sha256', 'wrong-secret').update(`v0:${ts}:${body}`).digest('hex')}`;
    expect((await postSigned(harness.current.port, body, { timestamp: ts, signature })).status).toBe(401);
  });

  it('a correctly signed request older than 5 minutes is rejected with 401 and nothing is answered', async () => {
    const hook = responseUrl();
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const posted = await postSigned(harness.current.port, commandBody(hook.url), { timestamp: stale });
    expect(posted.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(nock.pendingMocks()).toContain(`POST ${HOOKS}:443${hook.path}`);
  });

  it('a command is acked at once with an empty body, well under 3 s, and answered through response_url', async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const run = await slashCommand(harness.current.port, 'status');
      expect(run.status).toBe(200);
      expect(run.ackBody).toBe('');
      times.push(run.ackMs);
      await run.answer;
    }
    times.sort((a, b) => a - b);
    expect(times[times.length - 1]).toBeLessThan(1000);
  });

  it('when a listener fails, the user gets a short apology in their language and the log has the context', async () => {
    // The answer to the command cannot be posted (response_url answers 500): Bolt's respond throws.
    const failing = `/commands/T0TEAM/failing`;
    const apology = new Promise<{ text: string; response_type: string }>((resolve) => {
      nock(HOOKS).post(failing).reply(500, 'oops');
      nock(HOOKS)
        .post(failing)
        .reply(200, (_uri, body) => {
          resolve(body as { text: string; response_type: string });
          return 'ok';
        });
    });
    const body = commandBody(`${HOOKS}${failing}`, { user: USERS.adminEn.id });
    expect((await postSigned(harness.current.port, body)).status).toBe(200);
    const answer = await apology;
    expect(answer).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Sorry, something went wrong while handling this. Please try again in a moment.',
    });
    expect(JSON.stringify(answer)).not.toMatch(/at |Error|stack/);
    const logged = harness.current.logs.find((l) => l.msg === 'Slack listener failed');
    expect(logged).toMatchObject({
      userId: USERS.adminEn.id,
      request: { type: 'slash_command', command: '/cert', channelId: CHANNEL },
    });
  });

  it('the answer of a look-up is ephemeral', async () => {
    const run = await slashCommand(harness.current.port, 'help');
    const answer = await run.answer;
    expect(answer.response_type).toBe('ephemeral');
    expect(answerText(answer)).toContain('/cert');
  });
});
