import type { HandoverRepositories, HandoverResult, HandoverWebhook, OpsBoard } from '../ports/handover.ts';
import type { Claim, Outcome } from '../ports/outbox.ts';
import type { Store } from '../ports/store.ts';
import { lookupUnanswered } from './look-before-writing.ts';

export type HandOverPorts = {
  readonly store: Store<HandoverRepositories>;
  /** Absent when KIGEN_OPS_CHANNEL is not set (or in dry-run): its deliveries wait for a replica that has it. */
  readonly ops: OpsBoard | null;
  readonly webhook: HandoverWebhook | null;
};

/**
 * Hands one event to one channel of the back office: at least once, never dropped (the outbox retries
 * until a 2xx or Slack's ok). The operations channel gets no second post for one event: an earlier
 * attempt that may have posted is looked for by its metadata first. Webhook receivers deduplicate by
 * the event id (`X-Kigen-Event-Id`).
 */
export async function handOverEvent(
  ports: HandOverPorts,
  claim: Claim,
  at: { readonly now: Date; readonly signal: AbortSignal },
): Promise<Outcome> {
  const delivery = await ports.store.handoverDeliveries.load(claim.id);
  if (!delivery) return { kind: 'failed', error: 'handover.delivery_gone' };
  const record = async (message: { channel: string; ts: string } | null): Promise<Outcome> => ({
    kind: 'done',
    recorded: await ports.store.handoverDeliveries.markDelivered(claim, { now: at.now, message }),
  });

  if (delivery.channel === 'webhook') {
    if (!ports.webhook) return notConfigured('webhook');
    return outcomeOf(await ports.webhook.send(delivery.event, at.signal), record);
  }
  if (!ports.ops) return notConfigured('ops_channel');
  if (claim.uncertainSince) {
    const lookup = await ports.ops.findPosted(delivery.event, { since: claim.uncertainSince, until: at.now });
    if (lookup.kind === 'found') return record(lookup.message);
    if (lookup.kind === 'unknown') return lookupUnanswered(lookup);
  }
  return outcomeOf(await ports.ops.post(delivery), record);
}

const notConfigured = (channel: string): Outcome => ({
  kind: 'retry',
  error: `channel_not_configured: ${channel}`,
  uncertain: false,
  countsAsAttempt: false,
});

const outcomeOf = (
  result: HandoverResult,
  record: (message: { channel: string; ts: string } | null) => Promise<Outcome>,
): Promise<Outcome> | Outcome =>
  result.ok
    ? record(result.message ?? null)
    : {
        kind: 'retry',
        error: result.error,
        uncertain: result.uncertain ?? false,
        retryAfterMs: result.retryAfterMs,
      };
