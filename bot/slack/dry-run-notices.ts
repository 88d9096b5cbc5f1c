import type { NoticeDelivery, NoticeToDeliver } from '../../domain/ports/notices.ts';
import { formatTokyoDateTime } from '../i18n/locale.ts';
import { noticeText } from '../i18n/notices.ts';
import { withoutControlCharacters } from '../views/mrkdwn.ts';
import {
  noticeButtons,
  noticeMentions,
  noticeParentMessage,
  noticeThreadReply,
  opensThread,
} from '../views/notice-message.ts';

export type DryRunNoticeDeliveryOptions = {
  /** KIGEN_DRY_RUN_BLOCKS=1: print the Block Kit JSON too. */
  readonly printBlocks: boolean;
  /** Where the print-out goes; stdout by default. */
  readonly write?: (text: string) => void;
};

/** The message a dry-run "posts": never a real ts, so nothing can mistake it for a Slack message. */
export const DRY_RUN_TS = 'dry-run';

/**
 * Without Slack credentials, due notices are printed instead of posted: readable text, and the Block
 * Kit JSON on request. The scheduler never marks them delivered, so each is printed once per process.
 */
export function createDryRunNoticeDelivery(options: DryRunNoticeDeliveryOptions): NoticeDelivery {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const printed = new Set<string>();
  return {
    async deliver(n, now) {
      const message = { channel: n.contract.slackChannelId, ts: DRY_RUN_TS };
      const threadTs = n.thread?.ts ?? null;
      if (printed.has(n.notice.id)) return { ok: true, message, threadTs };
      printed.add(n.notice.id);
      write(dryRunText(n, now, options.printBlocks));
      return { ok: true, message, threadTs };
    },
    async findPosted() {
      return null;
    },
  };
}

/** The print-out of one notice, in the notice's language. */
export function dryRunText(n: NoticeToDeliver, now: Date, printBlocks: boolean): string {
  const t = noticeText[n.locale];
  const fmt = (d: Date) => formatTokyoDateTime(d, n.locale);
  const expiresAt = n.cycle && n.notice.kind !== 'reissue_due' ? n.cycle.expiresAt : n.certificate.notAfter;
  const mentions = noticeMentions(n);
  const buttons = noticeButtons(n, now);
  const replying = n.thread !== null && !opensThread(n.notice.kind);
  const parent = noticeParentMessage(n, now);
  const reply = replying ? noticeThreadReply(n, now) : null;
  const lines = [
    t.dryRunTitle,
    `  ${t.fieldCn}: ${withoutControlCharacters(n.contract.cn)}`,
    `  ${t.dryRunKind}: ${t.kind[n.notice.kind]} (${n.notice.kind})`,
    `  ${t.dryRunDue}: ${fmt(n.notice.dueAt)}${n.notice.late ? ` (${t.dryRunLate})` : ''}`,
    `  ${t.fieldExpiry}: ${fmt(expiresAt)}`,
    `  ${t.dryRunChannel}: ${n.contract.slackChannelId}${n.thread ? ` (${t.dryRunThread}: ${n.thread.ts})` : ''}`,
    `  ${t.dryRunMentions}: ${mentions.length > 0 ? mentions.map((id) => `@${id}`).join(' ') : t.dryRunNone}`,
    `  ${t.dryRunButtons}: ${
      buttons.length > 0 ? buttons.map((b) => `[${b.label}] ${b.actionId}`).join('  ') : t.dryRunNone
    }`,
    `  > ${withoutControlCharacters(reply ? reply.text : parent.text)}`,
  ];
  if (printBlocks) {
    const payload = reply
      ? {
          update: { blocks: parent.blocks },
          reply: { blocks: reply.blocks, reply_broadcast: reply.broadcast },
        }
      : { blocks: parent.blocks, metadata: parent.metadata };
    lines.push(JSON.stringify(payload, null, 2));
  }
  return `${lines.join('\n')}\n`;
}
