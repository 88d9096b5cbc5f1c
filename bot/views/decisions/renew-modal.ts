import type { types as slack } from '@slack/bolt';
import {
  type Applicant,
  type CsrMethod,
  DN_FIELD_MAX_LENGTH,
  type Dn,
  type PeriodMonths,
} from '../../../domain/index.ts';
import { decisionText } from '../../i18n/decisions.ts';
import type { Locale } from '../../i18n/locale.ts';
import { codeSpan } from '../mrkdwn.ts';
import {
  contextBlock,
  DECISION_VIEWS,
  FIELD_ACTION,
  mrkdwnSection,
  type PeriodChoice,
  periodInput,
  plain,
  textInput,
} from './modal-parts.ts';

/** Longest values of the renewal form (DN and applicant as `dnSchema` / `applicantSchema` allow). */
export const RENEW_FIELD_LIMITS = {
  dn_c: DN_FIELD_MAX_LENGTH.c,
  dn_st: DN_FIELD_MAX_LENGTH.st,
  dn_l: DN_FIELD_MAX_LENGTH.l,
  dn_o: DN_FIELD_MAX_LENGTH.o,
  dn_ou: DN_FIELD_MAX_LENGTH.ou,
  applicant_name: 128,
  applicant_email: 254,
  applicant_phone: 32,
  // Slack's own limit for a text input; an RSA-4096 CSR is about 1,700 characters.
  csr: 3_000,
} as const;

export type RenewModalInput = {
  readonly locale: Locale;
  readonly cn: string;
  /** Escaped for mrkdwn. */
  readonly productName: string;
  readonly choices: readonly PeriodChoice[];
  readonly period: PeriodMonths | null;
  readonly dn: Dn;
  readonly applicant: Applicant;
  readonly csrMethod: CsrMethod;
  /** R-WWW-1: Cybertrust only; the name the option adds, and whether it was chosen last time. */
  readonly www: { readonly name: string; readonly chosen: boolean } | null;
  /** R-DCV-GLOBALSIGN: null for other CAs; `choices` null while the DNS look-up runs. */
  readonly approver: {
    readonly choices: readonly string[] | null;
    readonly previous: string | null;
    readonly lookupFailed: boolean;
  } | null;
  readonly privateMetadata: string;
};

/**
 * The Renew modal of a proxy item, pre-filled from the previous application: CN and product shown
 * but fixed (R-CHANGE-2); DN, applicant, period (R-CHANGE-1, with estimates), CSR method and CSR
 * (R-CSR-1/2/3), the www option (R-WWW-1) and the GlobalSign approver address editable.
 */
export function renewModal(input: RenewModalInput): slack.ModalView {
  const t = decisionText[input.locale];
  const L = RENEW_FIELD_LIMITS;
  const blocks: slack.KnownBlock[] = [
    mrkdwnSection(`*${t.fieldCn}:* ${codeSpan(input.cn)}\n*${t.fieldProduct}:* ${input.productName}`),
    contextBlock(t.fixedFields),
    periodInput(input.choices, input.period, input.locale),
    textInput({ blockId: 'dn_c', label: t.labelC, initial: input.dn.c, maxLength: L.dn_c }),
    textInput({ blockId: 'dn_st', label: t.labelSt, initial: input.dn.st, maxLength: L.dn_st }),
    textInput({ blockId: 'dn_l', label: t.labelL, initial: input.dn.l, maxLength: L.dn_l }),
    textInput({ blockId: 'dn_o', label: t.labelO, initial: input.dn.o, maxLength: L.dn_o }),
    textInput({
      blockId: 'dn_ou',
      label: t.labelOu,
      initial: input.dn.ou,
      maxLength: L.dn_ou,
      optional: true,
    }),
    textInput({
      blockId: 'applicant_name',
      label: t.labelApplicantName,
      initial: input.applicant.name,
      maxLength: L.applicant_name,
    }),
    textInput({
      blockId: 'applicant_email',
      label: t.labelApplicantEmail,
      initial: input.applicant.email,
      maxLength: L.applicant_email,
    }),
    textInput({
      blockId: 'applicant_phone',
      label: t.labelApplicantPhone,
      initial: input.applicant.phone,
      maxLength: L.applicant_phone,
      optional: true,
    }),
    csrMethodInput(input.locale, input.csrMethod),
    textInput({
      blockId: 'csr',
      label: t.labelCsr,
      maxLength: L.csr,
      optional: true,
      multiline: true,
      hint: t.csrHint,
      placeholder: '-----BEGIN CERTIFICATE REQUEST-----',
    }),
    checkboxInput('csr_reuse', t.labelReuse, t.reuseConfirm, 'confirm', false),
  ];
  if (input.www) {
    blocks.push(
      checkboxInput(
        'www_option',
        t.labelWww,
        t.wwwOption({ name: input.www.name }),
        'www',
        input.www.chosen,
        t.wwwHint,
      ),
    );
  }
  if (input.approver) blocks.push(...approverBlocks(input.locale, input.cn, input.approver));
  return {
    type: 'modal',
    callback_id: DECISION_VIEWS.renew,
    private_metadata: input.privateMetadata,
    title: plain(t.renewTitle, 24),
    submit: plain(t.renewSubmit, 24),
    close: plain(t.modalClose, 24),
    blocks,
  };
}

function csrMethodInput(locale: Locale, method: CsrMethod): slack.InputBlock {
  const t = decisionText[locale];
  const options: slack.Option[] = [
    { text: plain(t.csrMethodCustomer), value: 'customer' },
    { text: plain(t.csrMethodProvider), value: 'provider' },
  ];
  return {
    type: 'input',
    block_id: 'csr_method',
    label: plain(t.labelCsrMethod),
    element: {
      type: 'radio_buttons',
      action_id: FIELD_ACTION,
      options,
      initial_option: options.find((o) => o.value === method) ?? options[1],
    },
  };
}

function checkboxInput(
  blockId: string,
  label: string,
  text: string,
  value: string,
  checked: boolean,
  hint?: string,
): slack.InputBlock {
  const option: slack.Option = { text: plain(text), value };
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label),
    ...(hint ? { hint: plain(hint, 2_000) } : {}),
    element: {
      type: 'checkboxes',
      action_id: FIELD_ACTION,
      options: [option],
      ...(checked ? { initial_options: [option] } : {}),
    },
  };
}

function approverBlocks(
  locale: Locale,
  cn: string,
  approver: NonNullable<RenewModalInput['approver']>,
): slack.KnownBlock[] {
  const t = decisionText[locale];
  const addresses = approver.choices ?? (approver.previous ? [approver.previous] : []);
  if (addresses.length === 0) {
    return [contextBlock(approver.lookupFailed ? t.approverLookupFailed({ cn }) : t.approverLoading)];
  }
  const options: slack.PlainTextOption[] = addresses.slice(0, 100).map((a) => ({ text: plain(a), value: a }));
  const initial = options.find((o) => o.value === approver.previous);
  const blocks: slack.KnownBlock[] = [
    {
      type: 'input',
      block_id: 'approver',
      label: plain(t.labelApprover),
      element: {
        type: 'static_select',
        action_id: FIELD_ACTION,
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    },
  ];
  if (approver.choices === null) blocks.push(contextBlock(t.approverLoading));
  else if (approver.lookupFailed) blocks.push(contextBlock(t.approverLookupFailed({ cn })));
  return blocks;
}
