import type { types as slack } from '@slack/bolt';
import type { CycleState, RenewalCycle } from '../../../domain/index.ts';
import { decisionText } from '../../i18n/decisions.ts';
import { formatTokyoDateTime, type Locale } from '../../i18n/locale.ts';
import { BLOCK_LIMITS, codeSpan, limitText, mention, mentionList } from '../mrkdwn.ts';

/** An ephemeral answer to the user who clicked or submitted. */
export type DecisionMessage = { readonly text: string; readonly blocks: slack.KnownBlock[] };

/** Why a decision was not taken; each has one message in the user's language. */
export type Refusal =
  | { readonly kind: 'not_group_admin'; readonly groupAdmins: readonly string[] }
  | { readonly kind: 'contract_gone' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'unknown_product' }
  | { readonly kind: 'no_previous_application' }
  | { readonly kind: 'decision_deadline_passed'; readonly deadline: Date }
  | { readonly kind: 'data_deadline_passed'; readonly deadline: Date }
  | { readonly kind: 'already_decided'; readonly cycle: RenewalCycle }
  | { readonly kind: 'closed'; readonly state: CycleState }
  | { readonly kind: 'not_opted_out' }
  | { readonly kind: 'opted_out' }
  | { readonly kind: 'not_for_byo' }
  | { readonly kind: 'not_for_proxy' }
  | { readonly kind: 'period_not_allowed'; readonly allowed: string };

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

export function refusalText(locale: Locale, refusal: Refusal): string {
  const t = decisionText[locale];
  switch (refusal.kind) {
    case 'not_group_admin': {
      const admins = mentionList(refusal.groupAdmins, 1_500);
      return t.notGroupAdmin({ admins: admins === '' ? t.noGroupAdmins : admins });
    }
    case 'contract_gone':
      return t.contractGone;
    case 'invalid':
      return t.invalidRequest;
    case 'unknown_product':
      return t.unknownProduct;
    case 'no_previous_application':
      return t.noPreviousApplication;
    case 'decision_deadline_passed':
      return t.decisionDeadlinePassed({ deadline: formatTokyoDateTime(refusal.deadline, locale) });
    case 'data_deadline_passed':
      return t.dataDeadlinePassed({ deadline: formatTokyoDateTime(refusal.deadline, locale) });
    case 'already_decided': {
      const { cycle } = refusal;
      if (cycle.decision === 'renew') return t.alreadyRenewed(whoWhen(cycle, locale));
      if (cycle.decision === 'opt_out') return t.alreadyOptedOut(whoWhen(cycle, locale));
      if (cycle.state === 'completed') return t.byoAlreadyRegistered;
      return t.alreadyDecided;
    }
    case 'closed':
      return t.cycleClosed({ state: t.state[refusal.state] });
    case 'not_opted_out':
      return t.notOptedOut;
    case 'opted_out':
      return t.optedOutFirst;
    case 'not_for_byo':
      return t.notForByo;
    case 'not_for_proxy':
      return t.notForProxy;
    case 'period_not_allowed':
      return t.periodNotAllowed({ allowed: refusal.allowed });
  }
}

export const refusalMessage = (locale: Locale, refusal: Refusal): DecisionMessage =>
  textMessage(refusalText(locale, refusal));
