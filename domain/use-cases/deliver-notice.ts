import type { ApplicationRepositories } from '../ports/applications.ts';
import type { KeyMaker } from '../ports/keys.ts';
import type { NoticeBoard, NoticeContext, NoticeRepositories, NoticeToDeliver } from '../ports/notices.ts';
import type { Claim, ItemAbout, Outcome } from '../ports/outbox.ts';
import type { PostedMessage } from '../ports/read-models.ts';
import type { CommonRepositories, Store } from '../ports/store.ts';
import type { Locale } from '../rules/contract-terms.ts';
import { type NoticeLateness, noticeRelevance } from '../rules/notice-relevance.ts';
import { applyCycleCommand, type RenewalCycle } from '../rules/renewal-cycle.ts';
import { autoRenewAtDataDeadline } from './auto-renew.ts';
import { closeExpiredCycle } from './close-expired-cycle.ts';
import { lookupUnanswered } from './look-before-writing.ts';

export type DeliverNoticePorts = {
  readonly store: Store<CommonRepositories & NoticeRepositories & ApplicationRepositories>;
  readonly board: NoticeBoard;
  readonly keys: KeyMaker;
  /** KIGEN_LOCALE: the channel's language when the service group has none. */
  readonly defaultLocale: Locale;
};

/** The notice as its message shows it (the view's read-model). */
export const noticeToDeliver = (
  context: NoticeContext,
  cycle: RenewalCycle | null,
  late: NoticeLateness,
  defaultLocale: Locale,
  autoRenewal?: NoticeToDeliver['autoRenewal'],
): NoticeToDeliver => ({
  notice: {
    id: context.id,
    kind: context.kind,
    dueAt: context.dueAt,
    plannedAt: context.plannedAt,
    attempts: context.attempts,
    late,
  },
  contract: context.contract,
  certificate: context.certificate,
  cycle,
  recipients: context.recipients,
  locale: context.contract.locale ?? defaultLocale,
  thread: context.thread,
  ...(autoRenewal ? { autoRenewal } : {}),
});

/**
 * R-NOTICE-4: delivers one claimed notice, once. An earlier attempt that may have posted is looked
 * for first; a notice that no longer means anything (R-NOTICE-5, a later announcement, a closed cycle)
 * is skipped; what happens at the notice's instant happens before its message (R-AUTO-2 at the data
 * deadline, R-AUTO-1 and R-AUTO-4 at expiry); then the message is posted and recorded, with the cycle
 * moved to `noticed` by its first announcement.
 */
export async function deliverNotice(
  ports: DeliverNoticePorts,
  claim: Claim,
  at: { readonly now: Date; readonly signal: AbortSignal },
): Promise<Outcome> {
  const context = await ports.store.notices.context(claim.id, at.now);
  if (!context) return { kind: 'skipped', reason: 'notice.gone' };
  const outcome = await deliverInContext(ports, claim, at, context);
  // A failure's log line names the notice (CN, kind, channel): the operator sees which one at once.
  return outcome.kind === 'failed' || outcome.kind === 'retry'
    ? { ...outcome, about: noticeAbout(context) }
    : outcome;
}

/** How the engine's log lines name a notice. */
const noticeAbout = (context: NoticeContext): ItemAbout => {
  const { cn, slackChannelId: channel } = context.contract;
  return { label: `${cn} ${context.kind} in ${channel}`, fields: { cn, kind: context.kind, channel } };
};

async function deliverInContext(
  ports: DeliverNoticePorts,
  claim: Claim,
  at: { readonly now: Date; readonly signal: AbortSignal },
  context: NoticeContext,
): Promise<Outcome> {
  const { now, signal } = at;
  let cycle = context.cycle;

  if (claim.uncertainSince) {
    const lookup = await ports.board.findPosted(
      noticeToDeliver(context, cycle, null, ports.defaultLocale),
      { since: claim.uncertainSince, until: now },
      signal,
    );
    if (lookup.kind === 'found') return recordSent(ports, claim, context, lookup.message, now);
    if (lookup.kind === 'unknown') return lookupUnanswered(lookup);
  }

  const relevance = noticeRelevance({
    kind: context.kind,
    dueAt: context.dueAt,
    plannedAt: context.plannedAt,
    cycle,
    certificateNotAfter: context.certificate.notAfter,
    now,
    laterAnnouncementDue: context.laterAnnouncementDue,
  });
  if (!relevance.deliver) return { kind: 'skipped', reason: relevance.reason };

  let autoRenewal: NoticeToDeliver['autoRenewal'];
  if (cycle) {
    if (context.kind === 'data_deadline' && cycle.category === 'proxy') {
      const renewed = await autoRenewAtDataDeadline(ports, { cycle, contract: context.contract, now });
      if (!renewed.ok) {
        return renewed.retryable
          ? { kind: 'retry', error: renewed.error, uncertain: false }
          : { kind: 'failed', error: renewed.error };
      }
      cycle = renewed.cycle;
      autoRenewal = renewed.summary ?? undefined;
    } else if (context.kind === 'byo_expiry' || context.kind === 'term_end') {
      cycle = await closeExpiredCycle(ports, { cycle, contract: context.contract, now });
    }
  }

  const notice = noticeToDeliver(context, cycle, relevance.late, ports.defaultLocale, autoRenewal);
  const result = await ports.board.deliver(notice, now, signal);
  if (result.ok) return recordSent(ports, claim, context, result.message, now, result.threadTs, cycle);
  if (!result.retryable) return { kind: 'failed', error: result.error };
  return {
    kind: 'retry',
    error: result.error,
    // Any earlier attempt was looked for and is absent: only this one can have landed.
    uncertain: result.uncertain,
    retryAfterMs: result.retryAfterMs,
    countsAsAttempt: result.retryAfterMs === undefined,
  };
}

/**
 * The posted message recorded, only while the claim is still ours, with what it does to the cycle:
 * its parent message when this is the first, and scheduled → noticed on the first announcement (the
 * domain ignores other kinds). A notice that does neither is one statement, not a transaction.
 */
async function recordSent(
  ports: DeliverNoticePorts,
  claim: Claim,
  context: NoticeContext,
  message: PostedMessage,
  now: Date,
  threadTs: string | null = context.thread && context.thread.ts !== message.ts ? context.thread.ts : null,
  cycle: RenewalCycle | null = context.cycle,
): Promise<Outcome> {
  const sent = { message, threadTs, now };
  const command = { type: 'noticeDelivered', kind: context.kind } as const;
  // A cycle only leaves 'scheduled': one seen already past it stays past it, however old the read.
  const moved = cycle ? applyCycleCommand(cycle, command, now) : null;
  const transition = moved?.ok && moved.value.changed ? moved.value : null;
  const isParent = cycle !== null && threadTs === null;
  if (!cycle || (!transition && !isParent)) {
    return { kind: 'done', recorded: await ports.store.notices.markSent(claim, sent) };
  }
  const recorded = await ports.store.transaction(async (tx) => {
    if (!(await tx.notices.markSent(claim, sent))) return false;
    if (isParent) await tx.cycles.setParentMessage(cycle.id, message);
    // Changed since it was read (a decision meanwhile): the command applies to it as it is now.
    if (transition && !(await tx.cycles.save(cycle.version, transition))) {
      await tx.cycles.apply(cycle.id, command, now);
    }
    return true;
  });
  return { kind: 'done', recorded };
}

/**
 * Dry-run (no Slack credentials): the due notices are shown by the board (printed) once per process,
 * as deliver mode would post them (only the latest due announcement of a cycle); nothing is recorded.
 */
export function createDryRun(ports: Omit<DeliverNoticePorts, 'keys'>) {
  const shown = new Set<string>();
  return async (now: Date): Promise<number> => {
    let printed = 0;
    for (const id of await ports.store.notices.dueIds(now, 10_000)) {
      if (shown.has(id)) continue;
      shown.add(id);
      const context = await ports.store.notices.context(id, now);
      if (!context) continue;
      const relevance = noticeRelevance({
        kind: context.kind,
        dueAt: context.dueAt,
        plannedAt: context.plannedAt,
        cycle: context.cycle,
        certificateNotAfter: context.certificate.notAfter,
        now,
        laterAnnouncementDue: context.laterAnnouncementDue,
      });
      if (!relevance.deliver) continue;
      await ports.board.deliver(
        noticeToDeliver(context, context.cycle, relevance.late, ports.defaultLocale),
        now,
      );
      printed++;
    }
    return printed;
  };
}
