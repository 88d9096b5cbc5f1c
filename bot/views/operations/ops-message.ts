import type { types as slack } from '@slack/bolt';
import type { ApplicationProgress } from '../../../db/stores/handover-applications.ts';
import type { HandoverEvent } from '../../../db/stores/handover-outbox.ts';
import { findProduct } from '../../../domain/index.ts';
import { formatTokyoDate, formatTokyoDateTime, type Locale } from '../../i18n/locale.ts';
import { operationsText } from '../../i18n/operations.ts';
import { codeSpan, limitText, mention, withoutControlCharacters } from '../mrkdwn.ts';

/** action_ids of the staff's buttons; the value is the application id. */
export const OPS_ACTIONS = {
  submitted: 'ops.submitted',
  issued: 'ops.issued',
  rejected: 'ops.rejected',
} as const;

export const OPS_ACTIONS_BLOCK = 'kigen_ops_actions';

export type OpsMessageInput = {
  readonly event: HandoverEvent;
  readonly progress: ApplicationProgress | null;
  readonly issuedCertificate: { readonly notAfter: Date } | null;
  readonly locale: Locale;
};

export type OpsMessage = { readonly text: string; readonly blocks: slack.KnownBlock[] };

const section = (text: string): slack.SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: limitText(text, 3_000) },
});

/** A user id as a mention; 'system:…' and anything else as inline code. */
export function who(actor: string | null, locale: Locale): string {
  if (!actor) return operationsText[locale].unknownUser;
  const staff = actor.startsWith('ops:') ? actor.slice(4) : actor;
  return mention(staff) ?? codeSpan(actor);
}

const line = (label: string, value: string) => `*${label}:* ${value}`;

/** The operations-channel message of one hand-over event: the data to apply with, then the staff's buttons. */
export function opsEventMessage(input: OpsMessageInput): OpsMessage {
  const { event, locale } = input;
  const t = operationsText[locale];
  const c = event.contract;
  const cn = codeSpan(c.cn);
  const at = (d: Date) => formatTokyoDateTime(d, locale);
  const product = c.productId ? findProduct(c.productId) : null;
  const productName = product?.ok
    ? locale === 'ja'
      ? product.value.nameJa
      : product.value.nameEn
    : (c.productId ?? t.none);
  const common = [
    line(t.fieldCn, cn),
    line(t.fieldProduct, codeSpan(productName)),
    line(t.fieldCa, c.ca ? t.caName[c.ca] : t.none),
    line(t.fieldGroup, codeSpan(c.serviceGroup)),
  ];
  if (event.certificate) common.push(line(t.fieldCurrentExpiry, at(event.certificate.notAfter)));

  if (event.kind !== 'application' || !event.application) {
    const header =
      event.kind === 'opt_out' ? t.headerOptOut({ cn: c.cn }) : t.headerOptOutUndone({ cn: c.cn });
    const rows = [
      ...common,
      line(
        event.kind === 'opt_out' ? t.fieldDecided : t.fieldUndone,
        `${who(event.actor, locale)} ${at(event.occurredAt)}`,
      ),
      ...(event.cycle ? [line(t.fieldTermEnd, formatTokyoDate(event.cycle.expiresAt, locale))] : []),
    ];
    return {
      text: withoutControlCharacters(header),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: limitText(header, 150) } },
        section(rows.join('\n')),
        section(event.kind === 'opt_out' ? t.optOutBody : t.optOutUndoneBody),
      ],
    };
  }

  const a = event.application;
  const header = t.headerApplication({ kind: t.kind[a.kind], cn: c.cn });
  const dn = [
    `C=${a.dn.c}`,
    `ST=${a.dn.st}`,
    `L=${a.dn.l}`,
    `O=${a.dn.o}`,
    ...(a.dn.ou ? [`OU=${a.dn.ou}`] : []),
    `CN=${a.dn.cn}`,
  ].join(', ');
  const applicant = [
    a.applicant.name,
    a.applicant.email,
    a.applicant.phone,
    a.applicant.department,
    a.applicant.title,
  ]
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .join(' / ');
  const rows = [
    ...common,
    line(t.fieldPeriod, t.period(a.periodMonths)),
    line(t.fieldDn, codeSpan(dn, 600)),
    line(t.fieldApplicant, codeSpan(applicant, 600)),
    line(t.fieldCsrMethod, t.csrMethod[a.csrMethod]),
    ...(a.approverAddress ? [line(t.fieldApprover, codeSpan(a.approverAddress))] : []),
    line(t.fieldRequested, `${who(a.requestedBy, locale)} ${at(a.requestedAt)}`),
  ];
  const blocks: slack.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: limitText(header, 150) } },
    section(rows.join('\n')),
    // A CSR is public data; the CA needs it as is. Never a private key (the snapshot has none).
    section(a.csrPem ? `*${t.csrTitle}*\n\`\`\`${limitText(a.csrPem.trim(), 2_900)}\`\`\`` : t.noCsr),
  ];
  const status = statusLine(input);
  if (status)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: limitText(status, 3_000) }] });
  const closed = input.progress?.status === 'issued' || input.progress?.status === 'rejected';
  if (!closed) {
    const buttons: slack.Button[] = [];
    if (input.progress?.status !== 'submitted') {
      buttons.push({
        type: 'button',
        action_id: OPS_ACTIONS.submitted,
        text: { type: 'plain_text', text: t.buttonSubmitted },
        value: a.id,
      });
    }
    buttons.push(
      {
        type: 'button',
        action_id: OPS_ACTIONS.issued,
        style: 'primary',
        text: { type: 'plain_text', text: t.buttonIssued },
        value: a.id,
      },
      {
        type: 'button',
        action_id: OPS_ACTIONS.rejected,
        style: 'danger',
        text: { type: 'plain_text', text: t.buttonRejected },
        value: a.id,
      },
    );
    blocks.push({ type: 'actions', block_id: OPS_ACTIONS_BLOCK, elements: buttons });
  }
  return { text: withoutControlCharacters(header), blocks };
}

function statusLine({ progress, issuedCertificate, locale }: OpsMessageInput): string | null {
  if (!progress) return null;
  const t = operationsText[locale];
  const at = (d: Date | null) => (d ? formatTokyoDateTime(d, locale) : t.none);
  const lines: string[] = [];
  if (progress.submittedAt)
    lines.push(t.statusSubmitted({ who: who(progress.submittedBy, locale), at: at(progress.submittedAt) }));
  if (progress.status === 'issued') {
    lines.push(
      t.statusIssued({
        who: who(progress.issuedBy, locale),
        at: at(progress.issuedAt),
        notAfter: issuedCertificate ? formatTokyoDateTime(issuedCertificate.notAfter, locale) : t.none,
      }),
    );
  }
  if (progress.status === 'rejected') {
    lines.push(
      t.statusRejected({
        who: who(progress.rejectedBy, locale),
        at: at(progress.rejectedAt),
        reason: codeSpan(progress.rejectionReason ?? '', 1_000),
      }),
    );
  }
  return lines.join('\n');
}

/** The reply in the customer's thread once the certificate was issued (the group's language). */
export function customerIssuedReply(input: { cn: string; notAfter: Date; locale: Locale }): string {
  return operationsText[input.locale].replyIssued({
    cn: codeSpan(input.cn),
    notAfter: formatTokyoDateTime(input.notAfter, input.locale),
  });
}

/** The reply in the customer's thread when the application was rejected, with the staff's reason. */
export function customerRejectedReply(input: { cn: string; reason: string; locale: Locale }): string {
  return operationsText[input.locale].replyRejected({
    cn: codeSpan(input.cn),
    reason: codeSpan(input.reason, 1_000),
  });
}
