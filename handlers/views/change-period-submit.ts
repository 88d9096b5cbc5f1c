import type { App, ViewSubmitAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { noticeText } from '../../bot/i18n/notices.ts';
import { DECISION_VIEWS } from '../../bot/views/decisions/modal-parts.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { changePeriod } from '../../domain/use-cases/change-period.ts';
import type { HandlerDeps } from '../kit/deps.ts';
import { decisionSubmission, type Reading, selectedOf } from '../kit/submission.ts';

/**
 * R-CHANGE-1: the chosen period is kept for the renewal, manual or automatic. The decision is one
 * short transaction before the ack, so the modal can say what happened; the outbox edits the notice.
 */
export const changePeriodSubmission = (deps: HandlerDeps) =>
  decisionSubmission(deps, {
    read: (values, locale): Reading<number> => {
      const rawPeriod = selectedOf(values, 'period');
      if (rawPeriod === null) return null;
      if (rawPeriod === undefined) return { errors: { period: decisionText[locale].errorRequired } };
      return { form: Number(rawPeriod) };
    },
    run: async ({ form: period, input, locale, t, show, showErrors, refuse }) => {
      const result = await changePeriod(deps.ports, { ...input, period });
      if (!result.ok) {
        if (result.reason !== 'cycle.period_not_allowed') return refuse(result);
        const allowed = result.allowed.map((p) => noticeText[locale].period(p)).join(', ');
        return showErrors({ period: t.periodNotAllowed({ allowed }) });
      }
      const label = noticeText[locale].period(result.period);
      if (!result.changed) return show(t.periodUnchanged({ period: label }));
      deps.wakeOutbox?.();
      await show(t.periodDone({ cn: codeSpan(result.contract.cn), period: label }));
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(DECISION_VIEWS.changePeriod, changePeriodSubmission(deps));
}
