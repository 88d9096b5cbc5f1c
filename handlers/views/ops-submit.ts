import type {
  AllMiddlewareArgs,
  App,
  SlackViewMiddlewareArgs,
  ViewOutput,
  ViewSubmitAction,
} from '@slack/bolt';
import { z } from 'zod';
import { formatTokyoDateTime, type Locale } from '../../bot/i18n/locale.ts';
import { operationsText } from '../../bot/i18n/operations.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import {
  issueRefusalText,
  OPS_FIELD_LIMITS,
  OPS_FIELDS,
  OPS_VIEWS,
  opsMessageModal,
  opsRefusalText,
  parseOpsMetadata,
} from '../../bot/views/operations/ops-modals.ts';
import type { StaffActor } from '../../domain/ports/operations.ts';
import { registerIssuedCertificate } from '../../domain/use-cases/register-issued-certificate.ts';
import { rejectApplication } from '../../domain/use-cases/reject-application.ts';
import type { HandlerDeps } from '../kit/deps.ts';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** What Slack sends for our one text input: a plain_text_input whose value is text (or absent). */
const fieldSchema = z.object({ type: z.string().max(64), value: z.string().max(200_000).nullish() });
const stateSchema = z.record(z.string().max(255), z.record(z.string().max(255), fieldSchema));

/** The typed text of the modal's input ('' when empty); null when the field is not what we sent. */
function textOf(view: ViewOutput, blockId: string): string | null {
  const state = stateSchema.safeParse(view.state?.values ?? {});
  if (!state.success) return null;
  const field = Object.values(state.data[blockId] ?? {})[0];
  if (!field) return '';
  return field.type === 'plain_text_input' ? (field.value ?? '') : null;
}

/**
 * What both modals read: the user (staff or not: asked again on submission, a modal may outlive a
 * membership and a submission can be forged without the button), the application and the typed text.
 * Null (answered already) when the submission is not one of ours.
 */
async function read(deps: HandlerDeps, args: SubmitArgs, field: string, max: number) {
  const { ack, body, view, client } = args;
  const userId = body.user.id;
  const [locale, staff] = await Promise.all([
    deps.userLocale(client, userId),
    deps.operations ? deps.operations.staff.isStaff(client, userId) : Promise.resolve(false),
  ]);
  const actor: StaffActor = { kind: 'slack', userId, staff };
  const metadata = parseOpsMetadata(view.private_metadata);
  const text = textOf(view, field);
  const say = (message: string) => ack({ response_action: 'update', view: opsMessageModal(locale, message) });
  if (staff && (!metadata || text === null)) {
    await say(operationsText[locale].applicationGone);
    return null;
  }
  // A non-staff submission is refused by the use-case (and audited) before its form is read.
  const fieldError = !staff
    ? null
    : (text ?? '').trim() === ''
      ? operationsText[locale].errorRequired
      : (text ?? '').length > max
        ? operationsText[locale].errorTooLong({ max })
        : null;
  if (fieldError) {
    await ack({ response_action: 'errors', errors: { [field]: fieldError } });
    return null;
  }
  return { actor, locale, applicationId: metadata?.a ?? '', text: text ?? '', say };
}

/** Refusals that are not about the typed text replace the modal; the others go on the field. */
const SAID_IN_MODAL = new Set(['ops.not_staff', 'ops.application_not_found', 'ops.already_closed']);

export const opsIssuedSubmission =
  (deps: HandlerDeps) =>
  async (args: SubmitArgs): Promise<void> => {
    const form = await read(deps, args, OPS_FIELDS.certificate, OPS_FIELD_LIMITS.certificate);
    if (!form) return;
    const { locale } = form;
    const result = await registerIssuedCertificate(deps.ports, {
      actor: form.actor,
      target: { applicationId: form.applicationId },
      pem: form.text,
      now: deps.now(),
      settings: deps.noticeSettings,
    });
    if (!result.ok) {
      if (SAID_IN_MODAL.has(result.reason)) return void (await form.say(opsRefusalText(locale, result)));
      const cn = typeof result.params.contractCn === 'string' ? result.params.contractCn : '';
      const error = issueRefusalText(locale, result, cn);
      return void (await args.ack({
        response_action: 'errors',
        errors: { [OPS_FIELDS.certificate]: error },
      }));
    }
    await form.say(issuedText(locale, result));
    if (result.changed) deps.wakeOutbox?.();
  };

const issuedText = (
  locale: Locale,
  result: {
    readonly changed: boolean;
    readonly cn: string;
    readonly certificate: { readonly notAfter: Date };
  },
): string => {
  const t = operationsText[locale];
  const cn = codeSpan(result.cn);
  return result.changed
    ? t.issuedDone({ cn, notAfter: formatTokyoDateTime(result.certificate.notAfter, locale) })
    : t.issuedUnchanged({ cn });
};

export const opsRejectedSubmission =
  (deps: HandlerDeps) =>
  async (args: SubmitArgs): Promise<void> => {
    const form = await read(deps, args, OPS_FIELDS.reason, OPS_FIELD_LIMITS.reason);
    if (!form) return;
    const result = await rejectApplication(deps.ports, {
      actor: form.actor,
      applicationId: form.applicationId,
      reason: form.text.trim(),
      now: deps.now(),
    });
    if (!result.ok) return void (await form.say(opsRefusalText(form.locale, result)));
    await form.say(operationsText[form.locale].rejectedDone({ cn: codeSpan(result.contract.cn) }));
    if (result.changed) deps.wakeOutbox?.();
  };

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(OPS_VIEWS.issued, opsIssuedSubmission(deps));
  app.view<ViewSubmitAction>(OPS_VIEWS.rejected, opsRejectedSubmission(deps));
}
