import type { App, ViewSubmitAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { noticeText } from '../../bot/i18n/notices.ts';
import { refusalText, whoWhen } from '../../bot/views/decisions/decision-messages.ts';
import { DECISION_VIEWS } from '../../bot/views/decisions/modal-parts.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { periodMonthsSchema } from '../../domain/index.ts';
import { precheck, productOf } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';
import { decisionSubmission, type Reading, selectedOf } from '../kit/submission.ts';

type PeriodParse = ReturnType<typeof periodMonthsSchema.safeParse>;

/**
 * R-CHANGE-1: the chosen period is kept for the renewal, manual or automatic. Everything is checked
 * again here (who, deadline, allowed period); the decision is one short transaction before the ack,
 * so the modal can say what happened, and the notice is edited after.
 */
export const changePeriodSubmission = (deps: HandlerDeps) =>
  decisionSubmission(deps, {
    action: 'changePeriod',
    read: (values, locale): Reading<PeriodParse> => {
      const rawPeriod = selectedOf(values, 'period');
      if (rawPeriod === null) return null;
      if (rawPeriod === undefined) return { errors: { period: decisionText[locale].errorRequired } };
      return { form: periodMonthsSchema.safeParse(Number(rawPeriod)) };
    },
    run: async ({ form: period, context, actor, userId, locale, t, now, ...answer }) => {
      const known = productOf(context);
      if (!known) return { kind: 'unknown_product' };
      if (!period.success || !known.allowed.includes(period.data)) {
        const allowed = known.allowed.map((p) => noticeText[locale].period(p)).join(', ');
        return answer.showErrors({ period: t.periodNotAllowed({ allowed }) });
      }
      const command = {
        type: 'changePeriod',
        actor,
        period: period.data,
        allowedPeriods: known.allowed,
      } as const;
      const check = precheck(context, command, now);
      if (check.refusal) return check.refusal;
      const label = noticeText[locale].period(period.data);
      if (!check.changed) return answer.show(t.periodUnchanged({ period: label }));
      const decided = await answer.decide({ commands: [command], firstMustChange: true });
      if (!decided.ok) {
        // A race lost after the checks: answer in the modal, who decided and when.
        const { outcome } = decided;
        return answer.show(
          outcome.kind === 'already_decided' && outcome.cycle.chosenPeriod === period.data
            ? t.periodUnchanged({ period: label })
            : refusalText(locale, decided.refusal),
        );
      }
      await answer.show(t.periodDone({ cn: codeSpan(context.contract.cn), period: label }));
      const cycle = decided.cycle;
      await answer.refresh(cycle, (l) =>
        decisionText[l].replyPeriod({
          ...whoWhen({ ...cycle, decidedBy: userId, decidedAt: now }, l),
          period: noticeText[l].period(period.data),
        }),
      );
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(DECISION_VIEWS.changePeriod, changePeriodSubmission(deps));
}
