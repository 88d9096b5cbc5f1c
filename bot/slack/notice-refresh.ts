import type { types as slack } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { DecisionContext } from '../../db/stores/decisions.ts';
import type { Locale, RenewalCycle } from '../../domain/index.ts';
import type { NoticeToDeliver } from '../../domain/ports/notices.ts';
import { noticeParentMessage } from '../views/notice-message.ts';

export type RefreshLogger = { warn(obj: unknown, msg?: string): void };

/** The notice as the scheduler would render it now, with the cycle after the decision. */
export function noticeAfterDecision(
  context: DecisionContext,
  cycle: RenewalCycle,
  fallbackLocale: Locale,
  now: Date,
): NoticeToDeliver {
  const c = context.contract;
  const thread = context.parent;
  return {
    notice: {
      id: context.latestNotice?.id ?? '',
      kind: context.latestNotice?.kind ?? (c.category === 'byo' ? 'byo_notice' : 'notice'),
      dueAt: context.latestNotice?.dueAt ?? now,
      attempts: 1,
      late: false,
    },
    contract: {
      id: c.id,
      cn: c.cn,
      category: c.category,
      ca: c.ca,
      productId: c.productId,
      periodMonths: c.periodMonths,
      slackChannelId: c.slackChannelId,
    },
    certificate: {
      id: context.certificate?.id ?? '',
      notAfter: context.certificate?.notAfter ?? cycle.expiresAt,
    },
    cycle,
    recipients: { groupAdmins: context.groupAdmins, serviceAdmins: context.serviceAdmins },
    locale: c.groupLocale ?? fallbackLocale,
    // Re-rendering, never creating: the parent already exists (or there is none to edit).
    thread: thread ?? { channel: c.slackChannelId, ts: '' },
  };
}

/**
 * After a decision: edits the cycle's parent message (buttons replaced by the decision, who and when,
 * or the Undo button of an opt-out) and replies in its thread with what happens next. The channel
 * reads the notice's language (the group's), not the clicking user's. Slack failures are logged: the
 * decision is already recorded, and the next notice re-renders the parent anyway.
 */
export async function refreshNotice(
  client: WebClient,
  input: {
    readonly context: DecisionContext;
    readonly cycle: RenewalCycle;
    readonly fallbackLocale: Locale;
    readonly now: Date;
    /** The message the button was on, when the cycle has no recorded parent message. */
    readonly clickedMessage?: { readonly channel: string; readonly ts: string } | null;
    /** mrkdwn of the thread reply in the channel's language, or null for none. */
    readonly reply: ((locale: Locale) => string) | null;
    readonly logger: RefreshLogger;
  },
): Promise<void> {
  const { context, cycle, now, logger } = input;
  const parent = context.parent ?? input.clickedMessage ?? null;
  const n = noticeAfterDecision({ ...context, parent }, cycle, input.fallbackLocale, now);
  if (parent) {
    const message = noticeParentMessage(n, now);
    try {
      await client.chat.update({
        channel: parent.channel,
        ts: parent.ts,
        text: message.text,
        blocks: message.blocks,
        metadata: message.metadata,
      });
    } catch (error) {
      logger.warn({ err: error, cycleId: cycle.id }, 'The notice could not be updated after a decision');
    }
  }
  if (input.reply === null) return;
  const text = input.reply(n.locale);
  const blocks: slack.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } },
  ];
  try {
    await client.chat.postMessage({
      channel: parent?.channel ?? context.contract.slackChannelId,
      ...(parent ? { thread_ts: parent.ts } : {}),
      text: text.replaceAll('*', '').slice(0, 3000),
      blocks,
    });
  } catch (error) {
    logger.warn({ err: error, cycleId: cycle.id }, 'The thread reply could not be posted after a decision');
  }
}
