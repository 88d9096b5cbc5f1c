import type { types as slack } from '@slack/bolt';
import type { PeriodMonths, RenewalCycle } from '../../../domain/index.ts';
import type { DecisionRefusal, FieldProblem } from '../../../domain/ports/decisions.ts';
import { decisionText } from '../../i18n/decisions.ts';
import { formatTokyoDateTime, type Locale } from '../../i18n/locale.ts';
import { noticeText } from '../../i18n/notices.ts';
import { BLOCK_LIMITS, codeSpan, limitText, mention, mentionList } from '../mrkdwn.ts';

/** An ephemeral answer to the user who clicked or submitted. */
export type DecisionMessage = { readonly text: string; readonly blocks: slack.KnownBlock[] };

/** Why a decision was not taken: the domain's one vocabulary (domain/ports/decisions.ts). */
export type Refusal = DecisionRefusal;

export const textMessage = (text: string): DecisionMessage => ({
  text: limitText(text.replaceAll('*', ''), 3_000),
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: limitText(text, BLOCK_LIMITS.sectionText) } }],
});

/** Who decided and when, as the channel and the refused user read it. */
export function whoWhen(cycle: RenewalCycle, locale: Locale): { who: string; at: string } {
  const by = cycle.decidedBy ?? '';
  const who = mention(by) ?? (by === '' || by.startsWith('system:') ? 'Kigen' : codeSpan(by, 64));
  return { who, at: cycle.decidedAt ? formatTokyoDateTime(cycle.decidedAt, locale) : '' };
}

/** A refusal in the user's language. */
export function refusalText(locale: Locale, refusal: DecisionRefusal): string {
  const t = decisionText[locale];
  switch (refusal.reason) {
    case 'cycle.not_authorized': {
      const admins = mentionList(refusal.groupAdmins, 1_500);
      return t.notGroupAdmin({ admins: admins === '' ? t.noGroupAdmins : admins });
    }
    case 'decision.contract_gone':
      return t.contractGone;
    case 'decision.invalid':
    case 'decision.fields':
      return t.invalidRequest;
    case 'decision.unknown_product':
      return t.unknownProduct;
    case 'decision.no_previous_application':
      return t.noPreviousApplication;
    case 'cycle.decision_deadline_passed':
      return t.decisionDeadlinePassed({ deadline: formatTokyoDateTime(refusal.deadline, locale) });
    case 'cycle.data_deadline_passed':
      return t.dataDeadlinePassed({ deadline: formatTokyoDateTime(refusal.deadline, locale) });
    case 'cycle.already_decided': {
      const { cycle } = refusal;
      if (cycle.decision === 'renew') return t.alreadyRenewed(whoWhen(cycle, locale));
      if (cycle.decision === 'opt_out') return t.alreadyOptedOut(whoWhen(cycle, locale));
      if (cycle.state === 'completed') return t.byoAlreadyRegistered;
      return t.alreadyDecided;
    }
    case 'cycle.closed':
      return t.cycleClosed({ state: t.state[refusal.state] });
    case 'cycle.not_opted_out':
      return t.notOptedOut;
    case 'cycle.opted_out':
      return t.optedOutFirst;
    case 'decision.not_for_byo':
      return t.notForByo;
    case 'decision.not_for_proxy':
      return t.notForProxy;
    case 'cycle.period_not_allowed':
      return t.periodNotAllowed({ allowed: periodsText(refusal.allowed, locale) });
    case 'keys.master_key_missing':
    case 'keys.master_key_invalid':
      return t.errorMasterKey;
    case 'keys.invalid_dn':
    case 'keys.invalid_san':
      return t.errorKeyGeneration;
  }
}

const periodsText = (periods: readonly PeriodMonths[], locale: Locale): string =>
  periods.map((p) => noticeText[locale].period(p)).join(', ');

/** The problems of a form's fields, each on its block, in the user's language. */
export function fieldErrorsText(
  locale: Locale,
  fields: Readonly<Record<string, FieldProblem>>,
): Record<string, string> {
  const t = decisionText[locale];
  const text = (f: FieldProblem): string => {
    switch (f.problem) {
      case 'required':
        return t.errorRequired;
      case 'invalid':
        return t.invalidRequest;
      case 'no_previous_application':
        return t.noPreviousApplication;
      case 'csr_required':
        return t.errorCsrRequired;
      case 'csr':
        return t.csr[f.reason];
      case 'reuse_not_confirmed':
        return t.errorReuseConfirm;
      case 'master_key_missing':
        return t.errorMasterKey;
      case 'approver_required':
        return t.errorApproverRequired;
      case 'approver_not_a_choice':
        return t.errorApproverNotAChoice;
      case 'period_not_allowed':
        return t.periodNotAllowed({ allowed: periodsText(f.allowed, locale) });
      case 'certificate':
        return t.certificate[f.reason];
    }
  };
  return Object.fromEntries(Object.entries(fields).map(([field, problem]) => [field, text(problem)]));
}

export const refusalMessage = (locale: Locale, refusal: Refusal): DecisionMessage =>
  textMessage(refusalText(locale, refusal));
