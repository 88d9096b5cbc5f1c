import { seededRandom } from './seeded-random.ts';

/** A request body for POST /slack/events, as a fuzzer sends it. */
export type FuzzedRequest = { readonly body: string; readonly contentType: string };

/**
 * Payloads in the shapes Slack sends (button clicks, modal submissions, commands) with wrong types,
 * forged `private_metadata`, unknown ids, and every third one cut short or with a byte changed; JSON
 * bodies and form bodies alternate. Deterministic for a seed.
 */
export function fuzzedRequests(
  seed: number,
  count: number,
  who: { readonly team: string; readonly user: string; readonly channel: string },
): FuzzedRequest[] {
  const rnd = seededRandom(seed);
  const values: unknown[] = [null, 0, -1, 1e308, '', 'x'.repeat(3000), [], {}, [null], { id: null }, true];
  const pick = () => values[Math.floor(rnd() * values.length)];
  const actions = (list: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      type: 'block_actions',
      team: { id: who.team },
      user: { id: who.user },
      channel: { id: who.channel },
      trigger_id: '1.2.3',
      actions: list,
      ...extra,
    });
  const shapes = [
    () => actions(pick()),
    () => actions([{ action_id: pick(), value: pick(), block_id: pick() }]),
    () =>
      actions([{ action_id: 'renewal.renew', value: pick(), block_id: 'kigen_notice_actions' }], {
        message: pick(),
        user: pick(),
      }),
    () =>
      JSON.stringify({
        type: 'view_submission',
        team: { id: who.team },
        user: { id: who.user },
        view: { callback_id: pick(), private_metadata: pick(), state: pick() },
      }),
    () => JSON.stringify({ type: pick(), team: pick(), user: pick(), actions: pick(), view: pick() }),
  ];
  return Array.from({ length: count }, (_, i) => {
    let payload = (shapes[i % shapes.length] as () => string)();
    if (i % 3 === 0) {
      const at = Math.floor(rnd() * payload.length);
      payload = rnd() < 0.5 ? payload.slice(0, at) : `${payload.slice(0, at)}\u0000${payload.slice(at + 1)}`;
    }
    return i % 2 === 0
      ? {
          body: new URLSearchParams({ payload }).toString(),
          contentType: 'application/x-www-form-urlencoded',
        }
      : { body: payload, contentType: 'application/json' };
  });
}
