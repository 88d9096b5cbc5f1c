import type { App, ViewSubmitAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import type { Locale } from '../../bot/i18n/locale.ts';
import { refusalText, textMessage } from '../../bot/views/decisions/decision-messages.ts';
import { DECISION_VIEWS } from '../../bot/views/decisions/modal-parts.ts';
import { RENEW_FIELD_LIMITS } from '../../bot/views/decisions/renew-modal.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import {
  type CsrMethod,
  DN_FIELD_MAX_LENGTH,
  type DnField,
  type DnFieldProblem,
  dnFieldProblem,
} from '../../domain/index.ts';
import { type RenewalForm, requestRenewal } from '../../domain/use-cases/request-renewal.ts';
import { postPrivately } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';
import { checkedOf, decisionSubmission, type StateValues, selectedOf, textOf } from '../kit/submission.ts';

type Errors = Record<string, string>;
type TextField = keyof typeof RENEW_FIELD_LIMITS;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
const CONTROL = /[\u0000-\u001f\u007f]/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const dnProblemText = (t: (typeof decisionText)[Locale], problem: DnFieldProblem, max: number): string =>
  ({
    empty: t.errorRequired,
    too_long: t.errorTooLong({ max }),
    control_character: t.errorControl,
    not_a_country_code: t.errorCountry,
  })[problem];

type Form = Omit<RenewalForm, 'offeredApprovers'>;

/** Reads and checks the fields: each problem is an error on its block, in the user's language. */
function readForm(values: StateValues, locale: Locale): { form: Form; errors: Errors } | null {
  const t = decisionText[locale];
  const errors: Errors = {};
  const text = (field: TextField, required: boolean, singleLine = true): string | null => {
    const raw = textOf(values, field);
    if (raw === null) return null;
    const value = raw.trim();
    if (value.length > RENEW_FIELD_LIMITS[field])
      errors[field] = t.errorTooLong({ max: RENEW_FIELD_LIMITS[field] });
    else if (required && value === '') errors[field] = t.errorRequired;
    else if (singleLine && CONTROL.test(value)) errors[field] = t.errorControl;
    return value;
  };
  // Subject fields: the domain's own check, the one the generated CSR must pass too.
  const dnText = (field: DnField): string | null => {
    const value = textOf(values, `dn_${field}`)?.trim() ?? null;
    if (value === null) return null;
    const problem = dnFieldProblem(field, value);
    if (problem) errors[`dn_${field}`] = dnProblemText(t, problem, DN_FIELD_MAX_LENGTH[field]);
    return value;
  };
  const c = dnText('c');
  const st = dnText('st');
  const l = dnText('l');
  const o = dnText('o');
  const ou = dnText('ou');
  const name = text('applicant_name', true);
  const email = text('applicant_email', true);
  const phone = text('applicant_phone', false);
  const csr = text('csr', false, false);
  const period = selectedOf(values, 'period');
  const method = selectedOf(values, 'csr_method');
  const approver = selectedOf(values, 'approver');
  const reuse = checkedOf(values, 'csr_reuse');
  const www = checkedOf(values, 'www_option');
  const fields = [c, st, l, o, ou, name, email, phone, csr];
  if (
    fields.some((f) => f === null) ||
    [period, method, approver].includes(null) ||
    reuse === null ||
    www === null
  )
    return null;
  if (email && !errors.applicant_email && !EMAIL.test(email)) errors.applicant_email = t.errorEmail;
  if (period === undefined) errors.period = t.errorRequired;
  if (method === undefined) errors.csr_method = t.errorRequired;
  if (method !== undefined && method !== 'customer' && method !== 'provider') return null;
  return {
    form: {
      period: period === undefined ? null : Number(period),
      dn: { c: (c ?? '').toUpperCase(), st: st ?? '', l: l ?? '', o: o ?? '', ...(ou ? { ou } : {}) },
      applicant: { name: name ?? '', email: email ?? '', ...(phone ? { phone } : {}) },
      csrMethod: (method as CsrMethod | undefined) ?? null,
      csr: csr ?? '',
      reuseConfirmed: (reuse ?? []).includes('confirm'),
      www: (www ?? []).includes('www'),
      approver: approver ?? null,
    },
    errors,
  };
}

/**
 * Submit of the Renew modal: the fields read here (their format, on their blocks); the rule is the
 * use-case's. Once the data is accepted the modal closes (the ack), then the provider key is made
 * (R-CSR-3) and the renewal requested; the user is told privately, the channel by the outbox.
 */
export const renewSubmission = (deps: HandlerDeps) =>
  decisionSubmission<Form>(deps, {
    read: (values, locale) => {
      const read = readForm(values, locale);
      return read
        ? Object.keys(read.errors).length > 0
          ? { errors: read.errors }
          : { form: read.form }
        : null;
    },
    run: async ({ form, metadata, input, locale, t, args, refuse }) => {
      const { client, logger } = args;
      let acked = false;
      const result = await requestRenewal(deps.ports, {
        ...input,
        form: { ...form, offeredApprovers: metadata.ap ?? null },
        onAccepted: async () => {
          acked = true;
          await args.ack();
        },
      });
      if (!acked) return result.ok ? undefined : refuse(result);
      const channel = metadata.ch ?? (result.ok ? result.contract.slackChannelId : null);
      if (!channel) return;
      const tell = (text: string) => postPrivately(client, channel, input.userId, textMessage(text), logger);
      if (!result.ok) return tell(refusalText(locale, result));
      deps.wakeOutbox?.();
      await tell(t.renewDone({ cn: codeSpan(result.contract.cn) }));
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(DECISION_VIEWS.renew, renewSubmission(deps));
}
