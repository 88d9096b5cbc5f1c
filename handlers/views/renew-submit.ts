import type { App, ViewSubmitAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import type { Locale } from '../../bot/i18n/locale.ts';
import { noticeText } from '../../bot/i18n/notices.ts';
import { refusalText, textMessage, whoWhen } from '../../bot/views/decisions/decision-messages.ts';
import { DECISION_VIEWS, estimateLine } from '../../bot/views/decisions/modal-parts.ts';
import { RENEW_FIELD_LIMITS } from '../../bot/views/decisions/renew-modal.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import type { DecisionContext } from '../../db/stores/decisions.ts';
import {
  type Applicant,
  applyRenewalChanges,
  type CsrMethod,
  checkCsr,
  DN_FIELD_MAX_LENGTH,
  type Dn,
  type DnField,
  type DnFieldProblem,
  dnFieldProblem,
  encryptPrivateKey,
  generateKeyAndCsr,
  isRenewalDataComplete,
  type Product,
  parseCsr,
  parseMasterKey,
  periodMonthsSchema,
  type RenewalDraft,
  vettingExpectations,
} from '../../domain/index.ts';
import { wwwNameOf } from '../actions/renewal-renew.ts';
import {
  type ModalMetadata,
  periodChoices,
  postPrivately,
  precheck,
  productOf,
} from '../kit/decision-button.ts';
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

type Form = {
  readonly period: number | null;
  readonly dn: Dn;
  readonly applicant: Applicant;
  readonly csrMethod: CsrMethod | null;
  readonly csr: string;
  readonly reuseConfirmed: boolean;
  readonly www: boolean;
  readonly approver: string | null;
};

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
      dn: { c: (c ?? '').toUpperCase(), st: st ?? '', l: l ?? '', o: o ?? '', ...(ou ? { ou } : {}), cn: '' },
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

/** SPKI hashes of every key the contract used before: certificates and earlier CSRs (R-CSR-1). */
function previousKeys(context: DecisionContext): string[] {
  const fromCsrs = context.previousCsrPems.flatMap((pem) => {
    const parsed = parseCsr(pem);
    return parsed.ok ? [parsed.value.publicKey.spkiSha256] : [];
  });
  return [...context.certificateKeySha256s, ...fromCsrs];
}

type Checked = { readonly draft: RenewalDraft; readonly reusedKey: boolean };

/** The domain's checks of the renewal data: R-CHANGE-2, R-CSR-1, R-CSR-2, approver, master key. */
async function checkRenewal(
  deps: HandlerDeps,
  context: DecisionContext,
  product: Product,
  form: Form,
  metadata: ModalMetadata,
  locale: Locale,
): Promise<{ ok: true; value: Checked } | { ok: false; errors: Errors }> {
  const t = decisionText[locale];
  const previous = context.previousApplication;
  if (!previous) return { ok: false, errors: { period: t.noPreviousApplication } };
  const errors: Errors = {};
  let csrPem: string | null = null;
  let reusedKey = false;
  if (form.csrMethod === 'customer') {
    if (form.csr === '') errors.csr = t.errorCsrRequired;
    else {
      const csr = await checkCsr(form.csr, {
        contractCn: context.contract.cn,
        previousPublicKeySha256s: previousKeys(context),
      });
      if (!csr.ok) errors.csr = t.csr[csr.reason];
      else {
        csrPem = csr.value.csr.pem;
        reusedKey = csr.value.reusesPreviousKey;
        // R-CSR-1: allowed, but only with an explicit confirmation.
        if (reusedKey && !form.reuseConfirmed) errors.csr_reuse = t.errorReuseConfirm;
      }
    }
  } else if (form.csrMethod === 'provider' && !parseMasterKey(deps.masterKey).ok) {
    errors.csr_method = t.errorMasterKey;
  }
  if (product.ca === 'globalsign') {
    const offered = metadata.ap ?? (previous.approverAddress ? [previous.approverAddress] : []);
    if (!form.approver) errors.approver = t.errorApproverRequired;
    else if (!offered.includes(form.approver)) errors.approver = t.errorApproverNotAChoice;
  }
  const period = periodMonthsSchema.safeParse(form.period);
  const draft = applyRenewalChanges(
    {
      ...previous,
      kind: previous.kind,
      productId: product.id,
      csrPem: null,
      approverEmail: previous.approverAddress,
      linkedServiceIds: context.contract.linkedServices,
      appliedAt: context.cycle.expiresAt,
    },
    {
      dn: { ...form.dn, cn: context.contract.cn },
      applicant: form.applicant,
      ...(period.success ? { periodMonths: period.data } : {}),
      ...(form.csrMethod ? { csrMethod: form.csrMethod } : {}),
      csrPem,
      wwwOption: form.www,
      approverEmail: product.ca === 'globalsign' ? form.approver : previous.approverAddress,
    },
    product,
  );
  if (!period.success && !errors.period) errors.period = t.errorRequired;
  if (!draft.ok) {
    if (draft.reason === 'renewal.period_not_allowed')
      errors.period = t.periodNotAllowed({ allowed: String(draft.params?.allowed ?? '') });
    else if (draft.reason === 'renewal.www_option_not_offered') errors.www_option = t.invalidRequest;
    else errors.period = t.invalidRequest;
  }
  if (Object.keys(errors).length > 0 || !draft.ok) return { ok: false, errors };
  return { ok: true, value: { draft: draft.value, reusedKey } };
}

/**
 * Submit of the Renew modal: every check before the ack (field errors go back on their fields), then
 * the modal closes, a fresh key and CSR are made when the provider generates them (R-CSR-3, stored
 * encrypted), and one transaction requests the renewal, records the data and inserts the application.
 */
export const renewSubmission = (deps: HandlerDeps) =>
  decisionSubmission(deps, {
    action: 'requestRenewal',
    read: (values, locale) => {
      const read = readForm(values, locale);
      return read ? { form: read } : null;
    },
    run: async ({ form: read, metadata, context, actor, userId, locale, t, now, args, ...answer }) => {
      const { client, logger } = args;
      const known = productOf(context);
      if (context.contract.category === 'byo') return { kind: 'not_for_byo' };
      if (!known) return { kind: 'unknown_product' };
      const decided = precheck(context, { type: 'requestRenewal', actor }, now);
      if (decided.refusal) return decided.refusal;
      if (!decided.changed) return { kind: 'already_decided', cycle: context.cycle };
      const data = precheck(context, { type: 'submitRenewalData', actor, complete: true }, now);
      if (data.refusal) return data.refusal;
      if (Object.keys(read.errors).length > 0) return answer.showErrors(read.errors);
      const checked = await checkRenewal(deps, context, known.product, read.form, metadata, locale);
      if (!checked.ok) return answer.showErrors(checked.errors);
      await args.ack();

      const channel = metadata.ch ?? context.contract.slackChannelId;
      const tell = (text: string) => postPrivately(client, channel, userId, textMessage(text), logger);
      const { draft, reusedKey } = checked.value;
      let csrPem = draft.csrPem;
      let encryptedPrivateKey: string | null = null;
      if (draft.csrMethod === 'provider') {
        const masterKey = parseMasterKey(deps.masterKey);
        const generated = await generateKeyAndCsr(draft.dn, {
          sans: draft.wwwOption ? [wwwNameOf(draft.dn.cn)] : [],
        });
        if (!masterKey.ok || !generated.ok) {
          await tell(masterKey.ok ? t.errorKeyGeneration : t.errorMasterKey);
          return;
        }
        csrPem = generated.value.csrPem;
        // R-CSR-3: the key is sealed at once, bound to its contract (as auto-renewal does, so that one
        // rule decrypts every stored key, on the application and later on the certificate); never posted.
        encryptedPrivateKey = encryptPrivateKey(generated.value.privateKeyPkcs8Pem, masterKey.value, {
          context: context.contract.id,
        });
      }
      const complete = isRenewalDataComplete(
        {
          dn: draft.dn,
          applicant: draft.applicant,
          csrMethod: draft.csrMethod,
          csrPem,
          approverEmail: draft.approverEmail,
        },
        known.product,
      ).complete;
      const decision = await answer.decide({
        commands: [
          { type: 'requestRenewal', actor, period: draft.periodMonths },
          { type: 'submitRenewalData', actor, complete },
        ],
        firstMustChange: true,
        application: {
          dn: draft.dn,
          applicant: draft.applicant,
          periodMonths: draft.periodMonths,
          csrMethod: draft.csrMethod,
          csrPem: csrPem ?? '',
          wwwOption: draft.wwwOption,
          approverAddress: draft.approverEmail,
          encryptedPrivateKey,
        },
        detail: {
          periodMonths: draft.periodMonths,
          csrMethod: draft.csrMethod,
          reusedKey,
          wwwOption: draft.wwwOption,
        },
      });
      if (!decision.ok) {
        await tell(refusalText(locale, decision.refusal));
        return;
      }
      const cycle = decision.cycle;
      await tell(t.renewDone({ cn: codeSpan(context.contract.cn) }));
      const choice = periodChoices(context, now).find((c) => c.period === draft.periodMonths);
      await answer.refresh(cycle, (l) =>
        renewReply(
          l,
          context,
          cycle,
          known.product,
          draft,
          reusedKey,
          choice ? estimateLine(choice, l) : null,
        ),
      );
    },
  });

/** The thread reply: who renewed, the period and estimate, and what the CA may do next (R-VETTING-1). */
function renewReply(
  locale: Locale,
  context: DecisionContext,
  cycle: Parameters<typeof whoWhen>[0],
  product: Product,
  draft: RenewalDraft,
  reusedKey: boolean,
  estimate: string | null,
): string {
  const t = decisionText[locale];
  const lines = [
    t.replyRenew({
      ...whoWhen(cycle, locale),
      period: noticeText[locale].period(draft.periodMonths),
      estimate: estimate ?? '-',
    }),
  ];
  if (draft.csrMethod === 'provider') lines.push(t.replyRenewProviderCsr);
  if (reusedKey) lines.push(t.replyRenewReusedKey);
  const vetting = vettingExpectations({ category: 'proxy', product });
  lines.push('', t.vettingTitle);
  lines.push(
    vetting.dcvMailTiming === 'right_after_application' ? t.vettingDcvAfterApplication : t.vettingDcvWithin,
  );
  if (draft.approverEmail && product.ca === 'globalsign')
    lines.push(t.vettingDcvApprover({ address: codeSpan(draft.approverEmail) }));
  else lines.push(t.vettingDcvLookup({ cn: context.contract.cn.replaceAll('`', '') }));
  if (vetting.intentChecks?.includes('phone')) lines.push(t.vettingPhone);
  if (vetting.intentChecks?.includes('email')) lines.push(t.vettingEmail);
  lines.push(t.vettingDocumentsProvider, t.vettingSkipped);
  return lines.join('\n');
}

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(DECISION_VIEWS.renew, renewSubmission(deps));
}
