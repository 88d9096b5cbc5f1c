import type {
  AllMiddlewareArgs,
  App,
  SlackViewMiddlewareArgs,
  ViewOutput,
  ViewSubmitAction,
} from '@slack/bolt';
import { formatTokyoDateTime, type Locale } from '../../bot/i18n/locale.ts';
import { operationsText } from '../../bot/i18n/operations.ts';
import { refreshNotice } from '../../bot/slack/notice-refresh.ts';
import { refreshOpsMessage, tellCustomer } from '../../bot/slack/ops-announce.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { customerIssuedReply, customerRejectedReply } from '../../bot/views/operations/ops-message.ts';
import {
  issueRefusalText,
  OPS_FIELD_LIMITS,
  OPS_FIELDS,
  OPS_VIEWS,
  opsMessageModal,
  parseOpsMetadata,
} from '../../bot/views/operations/ops-modals.ts';
import { loadDecisionContext } from '../../db/stores/decisions.ts';
import {
  loadOpsApplication,
  markRejected,
  registerIssuedCertificate,
} from '../../db/stores/handover-applications.ts';
import { recordAudit } from '../../db/stores/renewal-cycles.ts';
import type { HandlerDeps } from '../kit/deps.ts';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The typed text of one of our text inputs; null when the field is not what we sent. */
function textOf(view: ViewOutput, blockId: string): string | null {
  const field = Object.values(view.state?.values?.[blockId] ?? {})[0] as
    | { type?: string; value?: unknown }
    | undefined;
  if (!field) return '';
  if (field.type !== 'plain_text_input') return null;
  return typeof field.value === 'string' ? field.value : '';
}

/**
 * Staff checks and the application, for both modals: the check is repeated on submission (a modal
 * may outlive a membership, and a submission can be forged without the button). A refusal is answered
 * in the modal (and a non-staff one recorded); then null.
 */
async function prepare(
  deps: HandlerDeps,
  args: SubmitArgs,
  opsView: (typeof OPS_VIEWS)[keyof typeof OPS_VIEWS],
  field: string,
  max: number,
  now: Date,
) {
  const { ack, body, view, client } = args;
  const userId = body.user.id;
  const ops = deps.operations;
  const metadata = parseOpsMetadata(view.private_metadata);
  const [locale, staff] = await Promise.all([
    deps.userLocale(client, userId),
    ops ? ops.staff.isStaff(client, userId) : Promise.resolve(false),
  ]);
  const t = operationsText[locale];
  const text = textOf(view, field);
  if (!ops || !staff) {
    await ack({ response_action: 'update', view: opsMessageModal(locale, t.notStaff) });
    await recordAudit(deps.db, {
      actor: userId,
      action: 'ops.refused',
      at: now,
      detail: { view: opsView, reason: 'not_staff', applicationId: metadata?.a ?? null },
    });
    return null;
  }
  const application = metadata ? await loadOpsApplication(deps.db, metadata.a) : null;
  if (!application || text === null) {
    await ack({ response_action: 'update', view: opsMessageModal(locale, t.applicationGone) });
    return null;
  }
  const message = metadata?.ch && metadata.ts ? { channel: metadata.ch, ts: metadata.ts } : null;
  return { userId, ops, message, locale, t, text, tooLong: text.length > max, application };
}

export const opsIssuedSubmission =
  (deps: HandlerDeps) =>
  async (args: SubmitArgs): Promise<void> => {
    const { ack, client, logger } = args;
    const now = deps.now();
    const p = await prepare(
      deps,
      args,
      OPS_VIEWS.issued,
      OPS_FIELDS.certificate,
      OPS_FIELD_LIMITS.certificate,
      now,
    );
    if (!p) return;
    const { application } = p;
    if (p.text.trim() === '' || p.tooLong) {
      const error = p.tooLong ? p.t.errorTooLong({ max: OPS_FIELD_LIMITS.certificate }) : p.t.errorRequired;
      await ack({ response_action: 'errors', errors: { [OPS_FIELDS.certificate]: error } });
      return;
    }
    const outcome = await registerIssuedCertificate(deps.db, {
      target: { applicationId: application.applicationId },
      pem: p.text,
      actor: `ops:${p.userId}`,
      now,
      settings: deps.noticeSettings,
    });
    if (!outcome.ok) {
      await ack({
        response_action: 'errors',
        errors: { [OPS_FIELDS.certificate]: issueRefusalText(p.locale, outcome, application.contract.cn) },
      });
      return;
    }
    const cn = codeSpan(outcome.cn);
    const notAfter = formatTokyoDateTime(outcome.certificate.notAfter, p.locale);
    await ack({
      response_action: 'update',
      view: opsMessageModal(
        p.locale,
        outcome.changed ? p.t.issuedDone({ cn, notAfter }) : p.t.issuedUnchanged({ cn }),
      ),
    });
    if (!outcome.changed) return;
    const current = await refreshOpsMessage({
      client,
      db: deps.db,
      applicationId: application.applicationId,
      message: p.message,
      locale: p.ops.locale,
      logger,
    });
    const issuedReply = (locale: Locale) =>
      customerIssuedReply({ cn: outcome.cn, notAfter: outcome.certificate.notAfter, locale });
    // The customer's notice itself shows the cycle completed, and its thread says so.
    const decision = outcome.cycleId ? await loadDecisionContext(deps.db, outcome.cycleId) : null;
    if (decision) {
      await refreshNotice(client, {
        context: decision,
        cycle: decision.cycle,
        now,
        fallbackLocale: deps.locale ?? 'ja',
        reply: issuedReply,
        logger,
      });
      return;
    }
    await tellCustomer({
      client,
      application: current ?? application,
      fallbackLocale: deps.locale ?? 'ja',
      text: issuedReply,
      logger,
    });
  };

export const opsRejectedSubmission =
  (deps: HandlerDeps) =>
  async (args: SubmitArgs): Promise<void> => {
    const { ack, client, logger } = args;
    const now = deps.now();
    const p = await prepare(deps, args, OPS_VIEWS.rejected, OPS_FIELDS.reason, OPS_FIELD_LIMITS.reason, now);
    if (!p) return;
    const { application } = p;
    const reason = p.text.trim();
    if (reason === '' || p.tooLong) {
      const error = p.tooLong ? p.t.errorTooLong({ max: OPS_FIELD_LIMITS.reason }) : p.t.errorRequired;
      await ack({ response_action: 'errors', errors: { [OPS_FIELDS.reason]: error } });
      return;
    }
    const outcome = await markRejected(deps.db, {
      applicationId: application.applicationId,
      actor: `ops:${p.userId}`,
      reason,
      now,
    });
    if (!outcome.ok) {
      const status = outcome.progress?.status ?? '';
      await ack({
        response_action: 'update',
        view: opsMessageModal(p.locale, p.t.alreadyClosed({ status: p.t.statusName[status] ?? status })),
      });
      return;
    }
    await ack({
      response_action: 'update',
      view: opsMessageModal(p.locale, p.t.rejectedDone({ cn: codeSpan(application.contract.cn) })),
    });
    if (!outcome.changed) return;
    await refreshOpsMessage({
      client,
      db: deps.db,
      applicationId: application.applicationId,
      message: p.message,
      locale: p.ops.locale,
      logger,
    });
    await tellCustomer({
      client,
      application,
      fallbackLocale: deps.locale ?? 'ja',
      text: (locale) => customerRejectedReply({ cn: application.contract.cn, reason, locale }),
      logger,
    });
  };

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(OPS_VIEWS.issued, opsIssuedSubmission(deps));
  app.view<ViewSubmitAction>(OPS_VIEWS.rejected, opsRejectedSubmission(deps));
}
