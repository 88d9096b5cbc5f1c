import type { types as slack } from '@slack/bolt';
import {
  findProduct,
  MS_PER_DAY,
  type NoticeKind,
  type NoticeLateness,
  type RenewalCycle,
} from '../../domain/index.ts';
import type { NoticeToDeliver } from '../../domain/ports/notices.ts';
import { type AvailableDecision, availableDecisions } from '../../domain/rules/available-decisions.ts';
import { decisionText } from '../i18n/decisions.ts';
import { escapeMrkdwn, formatTokyoDateTime, type Locale } from '../i18n/locale.ts';
import { noticeText } from '../i18n/notices.ts';
import { BLOCK_LIMITS, codeSpan, limitText, mention, mentionList } from './mrkdwn.ts';

/** action_ids of the notice buttons; each button's `value` is the cycle id. */
export const NOTICE_ACTIONS = {
  renew: 'renewal.renew',
  changePeriod: 'renewal.change_period',
  optOut: 'renewal.opt_out',
  byoRegister: 'renewal.byo_register',
  /** Shown instead of the others on an opted-out cycle, until the decision deadline (R-AUTO-1). */
  undoOptOut: 'renewal.undo_opt_out',
} as const;
export type NoticeActionId = (typeof NOTICE_ACTIONS)[keyof typeof NOTICE_ACTIONS];

/** block_id of the actions block, so that handlers can find it in `message.blocks`. */
export const NOTICE_ACTIONS_BLOCK_ID = 'kigen_notice_actions';

/** Message metadata event type: `findPosted` looks for it after a crash (R-NOTICE-4). */
export const NOTICE_EVENT_TYPE = 'kigen_notice';

export type NoticeMetadata = {
  event_type: typeof NOTICE_EVENT_TYPE;
  event_payload: { notice_id: string; cycle_id: string; contract_id: string; kind: NoticeKind };
};

/** A message as chat.postMessage / chat.update take it. */
export type NoticeMessage = {
  readonly text: string;
  readonly blocks: slack.KnownBlock[];
  readonly metadata: NoticeMetadata;
};

/** A thread reply, and whether it is also sent to the channel. */
export type NoticeReply = NoticeMessage & { readonly broadcast: boolean };

/** A button as shown, for the dry-run print-out and tests. */
export type NoticeButton = {
  readonly actionId: NoticeActionId;
  readonly label: string;
  readonly value: string;
};

/** The notices that open a cycle's thread (R-NOTICE-1, R-NOTICE-2). */
const FIRST_KINDS: readonly NoticeKind[] = ['pre_notice', 'notice', 'byo_notice'];

/** Replies the whole channel should see, not only the thread: the FAQ notice and the deadlines. */
const BROADCAST_KINDS: readonly NoticeKind[] = [
  'notice',
  'decision_deadline',
  'data_deadline',
  'byo_expiry',
  'term_end',
];

export const opensThread = (kind: NoticeKind): boolean => FIRST_KINDS.includes(kind);
export const broadcastsToChannel = (kind: NoticeKind): boolean => BROADCAST_KINDS.includes(kind);

export function noticeMetadata(n: NoticeToDeliver): NoticeMetadata {
  return {
    event_type: NOTICE_EVENT_TYPE,
    event_payload: {
      notice_id: n.notice.id,
      cycle_id: n.cycle?.id ?? '',
      contract_id: n.contract.id,
      kind: n.notice.kind,
    },
  };
}

/**
 * The cycle's parent message as it should look at `now`: posted by the notice that has no thread
 * yet, and re-rendered (chat.update) by every later notice of the same cycle. A re-issue notice
 * (no cycle) is a parent of its own, without buttons (R-CABF-2).
 */
export function noticeParentMessage(n: NoticeToDeliver, now: Date): NoticeMessage {
  const t = noticeText[n.locale];
  const creating = n.thread === null;
  const expiresAt = expiryOf(n);
  const cnCode = codeSpan(n.contract.cn);
  const expiryText = formatTokyoDateTime(expiresAt, n.locale);
  const isReissue = n.notice.kind === 'reissue_due' || n.cycle === null;
  const isByo = n.contract.category === 'byo';

  const blocks: slack.KnownBlock[] = [
    header(isReissue ? t.headerReissue : isByo ? t.headerByo : t.headerProxy),
    section(`${intro(n, creating)}\n*${t.recipients}:* ${recipientsLine(n)}`),
    { type: 'section', fields: fields(n, now).map((text) => ({ type: 'mrkdwn', text })) },
  ];
  if (creating && !FIRST_KINDS.includes(n.notice.kind)) {
    // The parent of a cycle whose first notice never reached the channel: say what happens now.
    blocks.push(section(replyText(n, now)));
  }
  if (!isReissue) blocks.push(section(isByo ? t.ifNobodyActsByo : ifNobodyActsProxy(n)));
  const buttons = isReissue ? [] : noticeButtons(n, now);
  if (buttons.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: NOTICE_ACTIONS_BLOCK_ID,
      elements: buttons.map((b) => buttonElement(n, b)),
    });
    // An opted-out cycle shows its decision next to the Undo button.
    const decided = n.cycle?.state === 'opted_out' ? closedLine(n, now) : null;
    if (decided) blocks.push(context(decided));
    blocks.push(context(t.whoDecides));
  } else {
    const line = isReissue ? t.reissueNoAction : closedLine(n, now);
    if (line) blocks.push(context(line));
  }
  if (creating && n.notice.late) blocks.push(context(lateLine(n, n.notice.late)));

  const fallback = isReissue ? t.fallbackReissue : isByo ? t.fallbackByo : t.fallbackProxy;
  return {
    text: fallback({ cn: cnCode, expiry: expiryText }),
    blocks: blocks.slice(0, BLOCK_LIMITS.blocksPerMessage),
    metadata: noticeMetadata(n),
  };
}

/** The thread reply a later notice adds to the cycle's thread: what happened, for whom. */
export function noticeThreadReply(n: NoticeToDeliver, now: Date): NoticeReply {
  const t = noticeText[n.locale];
  const body = replyText(n, now);
  const mentions = recipientsLine(n);
  const blocks: slack.KnownBlock[] = [section(mentions ? `${body}\n${mentions}` : body)];
  if (n.notice.late) blocks.push(context(lateLine(n, n.notice.late)));
  return {
    text: limitText(`${codeSpan(n.contract.cn)} ${t.kind[n.notice.kind]}: ${stripBold(body)}`, 3_000),
    blocks,
    metadata: noticeMetadata(n),
    broadcast: broadcastsToChannel(n.notice.kind),
  };
}

/**
 * The buttons the parent shows at `now`: the decisions the domain offers (`availableDecisions`), one
 * button each; a re-issue notice has none (R-CABF-2).
 */
export function noticeButtons(n: NoticeToDeliver, now: Date): NoticeButton[] {
  const cycle = n.cycle;
  if (cycle === null || n.notice.kind === 'reissue_due') return [];
  // The deadline notices are the deadlines: their parent closes even if the clock is a moment early.
  const at = decisionClosed(n, now) ? latest(now, cycle.decisionDeadline) : now;
  const t = noticeText[n.locale];
  const button = (decision: AvailableDecision): NoticeButton => ({
    actionId: BUTTON_OF[decision],
    label: {
      requestRenewal: t.buttonRenew,
      changePeriod: t.buttonChangePeriod,
      optOut: t.buttonOptOut,
      undoOptOut: decisionText[n.locale].buttonUndoOptOut,
      registerRenewedCertificate: t.buttonByoRegister,
    }[decision],
    value: cycle.id,
  });
  return availableDecisions(cycle, at).map(button);
}

const BUTTON_OF: Record<AvailableDecision, NoticeActionId> = {
  requestRenewal: NOTICE_ACTIONS.renew,
  changePeriod: NOTICE_ACTIONS.changePeriod,
  optOut: NOTICE_ACTIONS.optOut,
  undoOptOut: NOTICE_ACTIONS.undoOptOut,
  registerRenewedCertificate: NOTICE_ACTIONS.byoRegister,
};

const latest = (now: Date, deadline: Date | null): Date =>
  deadline && deadline.getTime() > now.getTime() ? deadline : now;

/** Everyone the notice mentions (R-NOTICE-3): group admins, then service admins, each once. */
export function noticeMentions(n: NoticeToDeliver): string[] {
  return [...new Set([...n.recipients.groupAdmins, ...n.recipients.serviceAdmins])].filter(
    (id) => mention(id) !== null,
  );
}

// --- parts -----------------------------------------------------------------------------------------

const expiryOf = (n: NoticeToDeliver): Date =>
  n.notice.kind === 'reissue_due' || n.cycle === null ? n.certificate.notAfter : n.cycle.expiresAt;

/** Whole days left, counted down: 30.4 days is "30 days left". */
const daysUntil = (at: Date, now: Date): number =>
  Math.max(0, Math.floor((at.getTime() - now.getTime()) / MS_PER_DAY));

// The deadline notices are the deadlines: their parent closes even if the clock is a moment early.
const decisionClosed = (n: NoticeToDeliver, now: Date): boolean => {
  const deadline = n.cycle?.decisionDeadline;
  if (n.notice.kind === 'decision_deadline' || n.notice.kind === 'data_deadline') return true;
  return deadline != null && now.getTime() >= deadline.getTime();
};

function intro(n: NoticeToDeliver, creating: boolean): string {
  const t = noticeText[n.locale];
  if (!creating) return t.introLater;
  switch (n.notice.kind) {
    case 'pre_notice':
      return t.introPreNotice;
    case 'notice':
      return t.introNotice;
    case 'byo_notice':
      return t.introByo;
    default:
      return n.cycle === null ? '' : t.introLater;
  }
}

function recipientsLine(n: NoticeToDeliver): string {
  return mentionList(noticeMentions(n), 2_000);
}

function productLine(n: NoticeToDeliver): string {
  const t = noticeText[n.locale];
  const ca = n.contract.ca ? t.ca[n.contract.ca] : '';
  const product = n.contract.productId ? findProduct(n.contract.productId) : null;
  const name = product?.ok
    ? n.locale === 'ja'
      ? product.value.nameJa
      : product.value.nameEn
    : n.contract.productId
      ? escapeMrkdwn(n.contract.productId)
      : t.unknownProduct;
  return ca ? `${name} / ${ca}` : name;
}

function fields(n: NoticeToDeliver, now: Date): string[] {
  const t = noticeText[n.locale];
  const expiresAt = expiryOf(n);
  const date = formatTokyoDateTime(expiresAt, n.locale);
  const expiry =
    expiresAt.getTime() <= now.getTime()
      ? t.expiryPassed({ date })
      : t.expiryWithDaysLeft({ date, days: daysUntil(expiresAt, now) });
  const out = [`*${t.fieldCn}*\n${codeSpan(n.contract.cn)}`];
  if (n.contract.category === 'byo') {
    out.push(`*${t.fieldByoProduct}*\n${t.byoProduct}`, `*${t.fieldExpiry}*\n${expiry}`);
    if (n.cycle !== null) out.push(`*${t.fieldDecisionDeadline}*\n${t.noDeadlines}`);
    return out.map((f) => limitText(f, BLOCK_LIMITS.sectionFieldText));
  }
  out.push(`*${t.fieldProduct}*\n${productLine(n)}`, `*${t.fieldExpiry}*\n${expiry}`);
  const period = periodLine(n);
  if (period) out.push(`*${t.fieldPeriod}*\n${period}`);
  if (n.cycle?.decisionDeadline) {
    out.push(`*${t.fieldDecisionDeadline}*\n${formatTokyoDateTime(n.cycle.decisionDeadline, n.locale)}`);
  }
  if (n.cycle?.dataDeadline) {
    out.push(`*${t.fieldDataDeadline}*\n${formatTokyoDateTime(n.cycle.dataDeadline, n.locale)}`);
  }
  return out.map((f) => limitText(f, BLOCK_LIMITS.sectionFieldText));
}

function periodLine(n: NoticeToDeliver): string | null {
  const t = noticeText[n.locale];
  const current = n.contract.periodMonths;
  const chosen = n.cycle?.chosenPeriod ?? null;
  if (current === null) return chosen === null ? null : t.period(chosen);
  if (chosen === null || chosen === current) return t.period(current);
  return t.periodWithChoice({ current: t.period(current), chosen: t.period(chosen) });
}

function ifNobodyActsProxy(n: NoticeToDeliver): string {
  const t = noticeText[n.locale];
  const dataDeadline = n.cycle?.dataDeadline ?? expiryOf(n);
  return t.ifNobodyActsProxy({ dataDeadline: formatTokyoDateTime(dataDeadline, n.locale) });
}

function decidedByText(n: NoticeToDeliver, cycle: RenewalCycle): { who: string; at: string } {
  const t = noticeText[n.locale];
  const by = cycle.decidedBy ?? '';
  const who = mention(by) ?? (by.startsWith('system:') || by === '' ? t.systemActor : codeSpan(by, 64));
  const at = cycle.decidedAt ? formatTokyoDateTime(cycle.decidedAt, n.locale) : '';
  return { who, at };
}

/** The context line that replaces the buttons: the decision taken, or the deadline that passed. */
function closedLine(n: NoticeToDeliver, now: Date): string | null {
  const t = noticeText[n.locale];
  const cycle = n.cycle;
  if (cycle === null) return null;
  switch (cycle.state) {
    case 'renewal_requested':
      return t.decidedRenew(decidedByText(n, cycle));
    case 'opted_out':
      return t.decidedOptOut(decidedByText(n, cycle));
    case 'auto_renewal_requested':
      return t.stateAutoRenewal;
    case 'completed':
      return t.stateCompleted;
    case 'expired_registered':
      return t.stateExpiredRegistered;
    case 'cancelled':
      return t.stateCancelled;
    default:
      if (n.contract.category === 'proxy' && decisionClosed(n, now)) {
        const deadline = cycle.decisionDeadline ?? n.notice.dueAt;
        return t.closedDecisionDeadline({ deadline: formatTokyoDateTime(deadline, n.locale) });
      }
      return null;
  }
}

/** R-NOTICE-4: a late notice says so, and why: planned after it was due, or delivered after it. */
function lateLine(n: NoticeToDeliver, late: NonNullable<NoticeLateness>): string {
  return noticeText[n.locale].late[late]({
    due: formatTokyoDateTime(n.notice.dueAt, n.locale),
    planned: formatTokyoDateTime(n.notice.plannedAt, n.locale),
  });
}

/** What a notice says about the event it stands for (the body of its thread reply). */
function replyText(n: NoticeToDeliver, now: Date): string {
  const t = noticeText[n.locale];
  const fmt = (d: Date) => formatTokyoDateTime(d, n.locale);
  const cycle = n.cycle;
  const expiresAt = expiryOf(n);
  const decisionDeadline = cycle?.decisionDeadline ?? null;
  const dataDeadline = cycle?.dataDeadline ?? null;
  switch (n.notice.kind) {
    case 'pre_notice':
      return t.introPreNotice;
    case 'byo_notice':
      return t.introByo;
    case 'notice':
      return t.replyNotice({
        expiry: fmt(expiresAt),
        days: daysUntil(expiresAt, now),
        decisionDeadline: decisionDeadline ? fmt(decisionDeadline) : fmt(expiresAt),
      });
    case 'reminder_14':
    case 'reminder_7':
    case 'reminder_3':
    case 'reminder_1':
      // R-NOTICE-5: proxy reminders count down to the decision deadline, BYO ones to the expiry.
      return decisionDeadline && n.contract.category === 'proxy'
        ? t.replyReminderProxy({ deadline: fmt(decisionDeadline), days: daysUntil(decisionDeadline, now) })
        : t.replyReminderByo({ expiry: fmt(expiresAt), days: daysUntil(expiresAt, now) });
    case 'decision_deadline': {
      const deadline = fmt(decisionDeadline ?? n.notice.dueAt);
      const data = fmt(dataDeadline ?? expiresAt);
      if (cycle?.decision === 'opt_out')
        return t.replyDecisionDeadlineOptOut({ deadline, expiry: fmt(expiresAt) });
      if (cycle?.decision === 'renew') return t.replyDecisionDeadlineRenew({ deadline, dataDeadline: data });
      return t.replyDecisionDeadlineOpen({ deadline, dataDeadline: data });
    }
    case 'data_deadline':
      return dataDeadlineText(n);
    case 'byo_expiry':
      // R-AUTO-4: nothing is renewed automatically; the contract stays.
      return t.replyByoExpiry({ expiry: fmt(expiresAt) });
    case 'reissue_due':
      // R-CABF-2: the certificate ends inside the contract period; nothing to decide.
      return t.replyReissue({ expiry: fmt(expiresAt), days: daysUntil(expiresAt, now) });
    case 'term_end':
      // R-AUTO-1: delivered only for an opted-out cycle, which ends here.
      return t.replyTermEnd({ expiry: fmt(expiresAt) });
  }
}

/** R-AUTO-2, R-AUTO-3: the auto-renewal applied at the data deadline, with what changed and why. */
function dataDeadlineText(n: NoticeToDeliver): string {
  const t = noticeText[n.locale];
  const deadline = formatTokyoDateTime(n.cycle?.dataDeadline ?? n.notice.dueAt, n.locale);
  const auto = n.autoRenewal;
  if (auto) {
    const period = t.period(auto.periodMonths);
    const lines = [t.replyDataDeadlineAuto({ deadline, period })];
    if (auto.periodMonths !== auto.previousPeriodMonths) {
      const previous = t.period(auto.previousPeriodMonths);
      lines.push(
        auto.periodShortened
          ? t.replyPeriodShortened({ previous, period })
          : t.replyPeriodChanged({ previous, period }),
      );
    }
    if (auto.csrMethodSwitchedFromCustomer) lines.push(t.replyCsrSwitched);
    return lines.join('\n');
  }
  if (n.cycle?.decision === 'opt_out') return t.replyDataDeadlineOptOut({ deadline });
  return t.replyDataDeadlineRenew({ deadline });
}

const stripBold = (mrkdwn: string): string => mrkdwn.replaceAll('*', '');

function header(text: string): slack.HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: limitText(text, BLOCK_LIMITS.headerText) } };
}

function section(text: string): slack.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: limitText(text, BLOCK_LIMITS.sectionText) } };
}

function context(text: string): slack.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: limitText(text, BLOCK_LIMITS.sectionText) }] };
}

function buttonElement(n: NoticeToDeliver, b: NoticeButton): slack.Button {
  const button: slack.Button = {
    type: 'button',
    action_id: b.actionId,
    text: { type: 'plain_text', text: limitText(b.label, BLOCK_LIMITS.buttonText) },
    value: limitText(b.value, BLOCK_LIMITS.buttonValue),
  };
  if (b.actionId === NOTICE_ACTIONS.renew) button.style = 'primary';
  if (b.actionId === NOTICE_ACTIONS.optOut) {
    button.style = 'danger';
    button.confirm = optOutConfirm(n.locale, n.contract.cn);
  }
  return button;
}

function optOutConfirm(locale: Locale, cn: string): slack.ConfirmationDialog {
  const t = noticeText[locale];
  const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: limitText(text, max) });
  return {
    title: plain(t.optOutConfirmTitle, BLOCK_LIMITS.confirmTitle),
    // The CN escaped, as code, like everywhere else; cut short so that the dialog stays within 300.
    text: {
      type: 'mrkdwn',
      text: limitText(t.optOutConfirmText({ cn: codeSpan(cn, 80) }), BLOCK_LIMITS.confirmText),
    },
    confirm: plain(t.optOutConfirmYes, BLOCK_LIMITS.confirmButton),
    deny: plain(t.optOutConfirmNo, BLOCK_LIMITS.confirmButton),
    style: 'danger',
  };
}
