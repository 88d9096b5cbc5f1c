import type { MessageBoard, MessageFailure, MessageRepositories } from '../ports/messages.ts';
import type { Claim, Outcome } from '../ports/outbox.ts';
import type { PostedMessage } from '../ports/read-models.ts';
import type { Store } from '../ports/store.ts';
import type { Locale } from '../rules/contract-terms.ts';
import { noticeToDeliver } from './deliver-notice.ts';
import { lookupUnanswered } from './look-before-writing.ts';

export type DeliverMessagePorts = {
  readonly store: Store<MessageRepositories>;
  readonly board: MessageBoard;
  readonly defaultLocale: Locale;
};

/**
 * Delivers one message of the outbox: what a decision, a staff action or a registration tells the
 * customer's thread and the operations channel. Re-renders are drawn from the state of the moment
 * (never from the state when the message was enqueued), so a notice always says what holds now; a
 * reply is posted once (looked for by its metadata when an earlier attempt may have posted it).
 */
export async function deliverMessage(
  ports: DeliverMessagePorts,
  claim: Claim,
  at: { readonly now: Date; readonly signal: AbortSignal },
): Promise<Outcome> {
  const { now } = at;
  const loaded = await ports.store.messages.load(claim.id, now);
  if (!loaded) return { kind: 'skipped', reason: 'message.gone' };
  const { message } = loaded;
  const sent = async (posted: PostedMessage | null): Promise<Outcome> => ({
    kind: 'done',
    recorded: await ports.store.messages.markSent(claim, { posted, now }),
  });

  if (message.kind === 'ops_refresh') {
    if (!loaded.ops?.message) return { kind: 'skipped', reason: 'message.no_ops_message' };
    const refreshed = await ports.board.refreshOps(loaded.ops.application, loaded.ops.message);
    return refreshed.ok ? sent(null) : failure(refreshed);
  }

  if (message.kind === 'notice_refresh' && loaded.notice?.thread) {
    const notice = noticeToDeliver(loaded.notice, loaded.notice.cycle, null, ports.defaultLocale);
    const refreshed = await ports.board.refreshNotice(notice, loaded.notice.thread, now);
    // A deleted notice leaves its thread's reply to go to the channel: not a reason to stop.
    if (!refreshed.ok && refreshed.error !== 'message_not_found') return failure(refreshed);
  }
  const reply = message.reply;
  if (reply === null) return sent(null);
  if (!loaded.contract) return { kind: 'skipped', reason: 'message.contract_gone' };
  const target = loaded.thread
    ? { channel: loaded.thread.channel, threadTs: loaded.thread.ts }
    : { channel: loaded.contract.slackChannelId, threadTs: null };
  if (claim.uncertainSince) {
    const lookup = await ports.board.findReply(target, loaded.id, {
      since: claim.uncertainSince,
      until: now,
    });
    if (lookup.kind === 'found') return sent(lookup.message);
    if (lookup.kind === 'unknown') return lookupUnanswered(lookup);
  }
  const posted = await ports.board.postReply(target, reply, {
    messageId: loaded.id,
    contract: loaded.contract,
    locale: loaded.contract.locale ?? ports.defaultLocale,
  });
  return posted.ok ? sent(posted.posted) : failure(posted);
}

const failure = (f: MessageFailure): Outcome =>
  f.retryable
    ? {
        kind: 'retry',
        error: f.error,
        uncertain: f.uncertain,
        retryAfterMs: f.retryAfterMs,
        countsAsAttempt: f.retryAfterMs === undefined,
      }
    : { kind: 'failed', error: f.error };
