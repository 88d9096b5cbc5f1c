import type { types as slack } from '@slack/bolt';
import { z } from 'zod';
import type { CertificateParseReason } from '../../../domain/index.ts';
import type { IssueReason } from '../../../domain/ports/operations.ts';
import type { Locale } from '../../i18n/locale.ts';
import { operationsText } from '../../i18n/operations.ts';
import { codeSpan, limitText } from '../mrkdwn.ts';

/** callback_ids of the staff's modals. */
export const OPS_VIEWS = {
  issued: 'ops.issued_modal',
  rejected: 'ops.rejected_modal',
} as const;

/** block_ids of their inputs (the action_id of each input is `value`). */
export const OPS_FIELDS = { certificate: 'certificate', reason: 'reason' } as const;
export const OPS_FIELD_ACTION = 'value';
export const OPS_FIELD_LIMITS = { certificate: 30_000, reason: 1_000 } as const;

/** What the modal carries from the button to the submission: the application and the ops message. */
export type OpsModalMetadata = { readonly a: string; readonly ch?: string; readonly ts?: string };

const plain = (text: string, max = 24): slack.PlainTextElement => ({
  type: 'plain_text',
  text: limitText(text, max),
});

const intro = (text: string): slack.SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: limitText(text, 3_000) },
});

function input(blockId: string, label: string, maxLength: number, multiline: boolean): slack.InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2_000),
    element: { type: 'plain_text_input', action_id: OPS_FIELD_ACTION, multiline, max_length: maxLength },
  };
}

type OpsModal = { locale: Locale; cn: string; metadata: OpsModalMetadata };

/** A staff modal: an introduction naming the CN, and one multi-line text input. */
function opsFormModal(
  p: OpsModal,
  view: (typeof OPS_VIEWS)[keyof typeof OPS_VIEWS],
  field: keyof typeof OPS_FIELDS,
  text: (t: (typeof operationsText)[Locale]) => {
    title: string;
    submit: string;
    intro: string;
    label: string;
  },
): slack.ModalView {
  const t = operationsText[p.locale];
  const { title, submit, intro: introText, label } = text(t);
  return {
    type: 'modal',
    callback_id: view,
    private_metadata: JSON.stringify(p.metadata),
    title: plain(title),
    submit: plain(submit),
    close: plain(t.cancel),
    blocks: [intro(introText), input(OPS_FIELDS[field], label, OPS_FIELD_LIMITS[field], true)],
  };
}

/** "Certificate issued": paste the certificate the CA issued. */
export const opsIssuedModal = (p: OpsModal): slack.ModalView =>
  opsFormModal(p, OPS_VIEWS.issued, 'certificate', (t) => ({
    title: t.issuedTitle,
    submit: t.issuedSubmit,
    intro: t.issuedIntro({ cn: codeSpan(p.cn) }),
    label: t.issuedLabel,
  }));

/** "Rejected": the reason, relayed to the customer's thread. */
export const opsRejectedModal = (p: OpsModal): slack.ModalView =>
  opsFormModal(p, OPS_VIEWS.rejected, 'reason', (t) => ({
    title: t.rejectedTitle,
    submit: t.rejectedSubmit,
    intro: t.rejectedIntro({ cn: codeSpan(p.cn) }),
    label: t.rejectedLabel,
  }));

/** A modal that only says something (the outcome, or a refusal), replacing the form. */
export function opsMessageModal(locale: Locale, text: string): slack.ModalView {
  const t = operationsText[locale];
  return {
    type: 'modal',
    title: plain(t.resultTitle),
    close: plain(t.close),
    blocks: [intro(text)],
  };
}

const metadataSchema = z.object({
  a: z.string().max(64),
  ch: z.string().max(64).optional(),
  ts: z.string().max(64).optional(),
});

/** The modal's private_metadata as we wrote it; null when it is not (forged, or from another version). */
export function parseOpsMetadata(text: string | undefined): OpsModalMetadata | null {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    return null;
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) return null;
  const { a, ch, ts } = parsed.data;
  return { a, ...(ch !== undefined && ts !== undefined ? { ch, ts } : {}) };
}

/** Why a staff action was refused (a button, the rejection modal), in the staff member's language. */
export function opsRefusalText(
  locale: Locale,
  refusal: { readonly reason: IssueReason; readonly params: Readonly<Record<string, unknown>> },
): string {
  const t = operationsText[locale];
  switch (refusal.reason) {
    case 'ops.not_staff':
      return t.notStaff;
    case 'ops.application_not_found':
      return t.applicationGone;
    case 'ops.already_closed': {
      const status = String(refusal.params.status ?? '');
      return t.alreadyClosed({ status: t.statusName[status] ?? status });
    }
    default:
      return issueRefusalText(locale, refusal, '');
  }
}

/** Why a pasted certificate was refused, for the field (or the CLI). */
export function issueRefusalText(
  locale: Locale,
  refusal: { readonly reason: IssueReason; readonly params: Readonly<Record<string, unknown>> },
  cn: string,
): string {
  const t = operationsText[locale];
  const { reason, params } = refusal;
  if (reason.startsWith('certificate.')) return t.certificate[reason as CertificateParseReason] ?? reason;
  switch (reason) {
    case 'ops.cn_mismatch':
      return t.issue['ops.cn_mismatch']({ cn, certificateCn: String(params.certificateCn ?? t.none) });
    case 'ops.contract_not_found':
      return t.issue['ops.contract_not_found']({ cn });
    case 'ops.no_open_application':
      return t.issue['ops.no_open_application']({ cn });
    case 'ops.not_staff':
    case 'ops.already_closed':
      return opsRefusalText(locale, refusal);
    case 'ops.public_key_mismatch':
    case 'ops.certificate_expired':
    case 'ops.certificate_not_newer':
    case 'ops.csr_unreadable':
    case 'ops.application_rejected':
    case 'ops.already_issued':
    case 'ops.application_not_found':
      return t.issue[reason];
    default:
      return t.issue.cycle({ reason });
  }
}
