import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { noticeText } from '../../bot/i18n/notices.ts';
import { refreshNotice } from '../../bot/notice-refresh.ts';
import { refusalText, whoWhen } from '../../bot/views/decisions/decision-messages.ts';
import { DECISION_VIEWS, messageModal } from '../../bot/views/decisions/modal-parts.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { decide } from '../../db/decisions.ts';
import { periodMonthsSchema } from '../../domain/index.ts';
import {
  auditRefusal,
  loadForUser,
  parseModalMetadata,
  precheck,
  productOf,
  refusalOfOutcome,
} from '../actions/decision-support.ts';
import type { HandlerDeps } from '../deps.ts';
import { parseState, selectedOf } from './view-support.ts';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * R-CHANGE-1: the chosen period is kept for the renewal, manual or automatic. Everything is checked
 * again here (who, deadline, allowed period); the decision is one short transaction before the ack,
 * so the modal can say what happened, and the notice is edited after.
 */
export const changePeriodSubmission =
  (deps: HandlerDeps) =>
  async ({ ack, body, view, client, logger }: SubmitArgs): Promise<void> => {
    const now = deps.now();
    const userId = body.user.id;
    const locale = await deps.userLocale(client, userId);
    const t = decisionText[locale];
    const metadata = parseModalMetadata(view.private_metadata);
    const values = parseState(view);
    const rawPeriod = values ? selectedOf(values, 'period') : null;
    const refuse = async (
      refusal: Parameters<typeof refusalText>[1],
      context: Awaited<ReturnType<typeof loadForUser>>['context'],
    ) => {
      await ack({ response_action: 'update', view: messageModal(locale, refusalText(locale, refusal)) });
      await auditRefusal(
        deps,
        { userId, action: 'changePeriod', refusal, context, cycleId: metadata?.c ?? null, now },
        logger,
      );
    };
    if (!metadata || rawPeriod === null) return refuse({ kind: 'invalid' }, null);
    if (rawPeriod === undefined) {
      await ack({ response_action: 'errors', errors: { period: t.errorRequired } });
      return;
    }
    const period = periodMonthsSchema.safeParse(Number(rawPeriod));
    const loaded = await loadForUser(deps, metadata.c, userId);
    if (!loaded.ok) return refuse(loaded.refusal, null);
    const { context, actor } = loaded;
    const known = productOf(context);
    if (!known) return refuse({ kind: 'unknown_product' }, context);
    if (!period.success || !known.allowed.includes(period.data)) {
      const allowed = known.allowed.map((p) => noticeText[locale].period(p)).join(', ');
      await ack({ response_action: 'errors', errors: { period: t.periodNotAllowed({ allowed }) } });
      return;
    }
    const command = {
      type: 'changePeriod',
      actor,
      period: period.data,
      allowedPeriods: known.allowed,
    } as const;
    const check = precheck(context, command, now);
    if (check.refusal) return refuse(check.refusal, context);
    const label = noticeText[locale].period(period.data);
    if (!check.changed) {
      await ack({
        response_action: 'update',
        view: messageModal(locale, t.periodUnchanged({ period: label })),
      });
      return;
    }
    const outcome = await decide(deps.db, {
      cycleId: context.cycle.id,
      actor,
      commands: [command],
      now,
      firstMustChange: true,
    });
    const refusal = refusalOfOutcome(outcome, context);
    if (refusal || outcome.kind !== 'decided') {
      // A race lost after the checks: answer in the modal, who decided and when.
      await ack({
        response_action: 'update',
        view: messageModal(
          locale,
          refusal?.kind === 'already_decided' &&
            outcome.kind === 'already_decided' &&
            outcome.cycle.chosenPeriod === period.data
            ? t.periodUnchanged({ period: label })
            : refusalText(locale, refusal ?? { kind: 'invalid' }),
        ),
      });
      return;
    }
    await ack({
      response_action: 'update',
      view: messageModal(locale, t.periodDone({ cn: codeSpan(context.contract.cn), period: label })),
    });
    const cycle = outcome.cycle;
    await refreshNotice(client, {
      context,
      cycle,
      now,
      fallbackLocale: deps.locale ?? 'ja',
      clickedMessage: metadata.ch && metadata.ts ? { channel: metadata.ch, ts: metadata.ts } : null,
      logger,
      reply: (l) =>
        decisionText[l].replyPeriod({
          ...whoWhen({ ...cycle, decidedBy: userId, decidedAt: now }, l),
          period: noticeText[l].period(period.data),
        }),
    });
  };

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(DECISION_VIEWS.changePeriod, changePeriodSubmission(deps));
}
