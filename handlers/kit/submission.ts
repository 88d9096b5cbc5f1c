import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewOutput, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { type DecisionText, decisionText } from '../../bot/i18n/decisions.ts';
import type { Locale } from '../../bot/i18n/locale.ts';
import { type Refusal, refusalText } from '../../bot/views/decisions/decision-messages.ts';
import { messageModal } from '../../bot/views/decisions/modal-parts.ts';
import type { DecisionContext } from '../../db/stores/decisions.ts';
import {
  auditRefusal,
  type Decision,
  type DecisionStep,
  decideOn,
  loadForUser,
  type ModalMetadata,
  type NoticeRefresh,
  noticeRefresh,
  parseModalMetadata,
  type UserActor,
} from './decision-button.ts';
import type { HandlerDeps } from './deps.ts';

/**
 * What Slack sends for the inputs of our modals, checked field by field: a submission Slack would
 * never send (a field of another type, an option we never offered, megabytes of text) is refused
 * rather than half-read.
 */
const stateValueSchema = z
  .object({
    type: z.string().max(64),
    value: z.string().max(200_000).nullable().optional(),
    selected_option: z
      .object({ value: z.string().max(2_000) })
      .passthrough()
      .nullable()
      .optional(),
    selected_options: z
      .array(z.object({ value: z.string().max(2_000) }).passthrough())
      .max(10)
      .optional(),
  })
  .passthrough();

const stateSchema = z.record(z.string().max(255), z.record(z.string().max(255), stateValueSchema));
export type StateValues = z.infer<typeof stateSchema>;

export const parseState = (view: ViewOutput): StateValues | null => {
  const parsed = stateSchema.safeParse(view.state?.values ?? {});
  return parsed.success ? parsed.data : null;
};

/** The typed text of a plain_text_input block ('' when empty); null when the block is not a text input. */
export function textOf(values: StateValues, blockId: string): string | null {
  const field = Object.values(values[blockId] ?? {})[0];
  if (field === undefined) return '';
  if (field.type !== 'plain_text_input') return null;
  return field.value ?? '';
}

/** The selected option of a radio_buttons / static_select block (undefined when none; null when malformed). */
export function selectedOf(values: StateValues, blockId: string): string | undefined | null {
  const field = Object.values(values[blockId] ?? {})[0];
  if (field === undefined) return undefined;
  if (field.type !== 'radio_buttons' && field.type !== 'static_select') return null;
  return field.selected_option?.value ?? undefined;
}

/** The ticked option values of a checkboxes block ([] when none; null when malformed). */
export function checkedOf(values: StateValues, blockId: string): string[] | null {
  const field = Object.values(values[blockId] ?? {})[0];
  if (field === undefined) return [];
  if (field.type !== 'checkboxes') return null;
  return (field.selected_options ?? []).map((o) => o.value);
}

export type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type FieldErrors = Record<string, string>;

/** The form of a submission as read: its fields, errors to show before anything else, or null when malformed. */
export type Reading<F> = { readonly form: F } | { readonly errors: FieldErrors } | null;

/** A submission of a decision modal, with its form read and the cycle loaded for the user. */
export type Submission<F> = {
  readonly form: F;
  readonly metadata: ModalMetadata;
  readonly context: DecisionContext;
  readonly actor: UserActor;
  readonly userId: string;
  readonly locale: Locale;
  readonly t: DecisionText;
  readonly now: Date;
  readonly args: SubmitArgs;
  /** Answers in the modal: the text replaces the form. */
  readonly show: (text: string) => Promise<undefined>;
  /** Answers in the modal: errors on their fields, the form stays. */
  readonly showErrors: (errors: FieldErrors) => Promise<undefined>;
  readonly decide: (step: DecisionStep) => Promise<Decision>;
  readonly refresh: NoticeRefresh;
};

/**
 * The listener of a decision modal's submission: the user's language, the metadata and the form, then
 * the cycle as this user sees it; a refusal (a malformed submission, the loading, or the one `run`
 * returns) replaces the modal and is recorded as `action`.
 */
export const decisionSubmission =
  <F>(
    deps: HandlerDeps,
    spec: {
      readonly action: string;
      readonly read: (values: StateValues, locale: Locale) => Reading<F>;
      /** The rule: acts, or returns the refusal to record and show. */
      readonly run: (submission: Submission<F>) => Promise<Refusal | undefined> | Promise<void>;
    },
  ) =>
  async (args: SubmitArgs): Promise<void> => {
    const { ack, body, view, client, logger } = args;
    const now = deps.now();
    const userId = body.user.id;
    const locale = await deps.userLocale(client, userId);
    const metadata = parseModalMetadata(view.private_metadata);
    const values = parseState(view);
    const reading = values ? spec.read(values, locale) : null;
    const refuse = async (refusal: Refusal, context: DecisionContext | null) => {
      await ack({ response_action: 'update', view: messageModal(locale, refusalText(locale, refusal)) });
      await auditRefusal(
        deps,
        { userId, action: spec.action, refusal, context, cycleId: metadata?.c ?? null, now },
        logger,
      );
    };
    const showErrors = async (errors: FieldErrors): Promise<undefined> => {
      await ack({ response_action: 'errors', errors });
    };
    if (!metadata || !reading) return refuse({ kind: 'invalid' }, null);
    if ('errors' in reading) return showErrors(reading.errors);
    const loaded = await loadForUser(deps, metadata.c, userId);
    if (!loaded.ok) return refuse(loaded.refusal, null);
    const { context, actor } = loaded;
    const refusal = await spec.run({
      form: reading.form,
      metadata,
      context,
      actor,
      userId,
      locale,
      t: decisionText[locale],
      now,
      args,
      show: async (text) => {
        await ack({ response_action: 'update', view: messageModal(locale, text) });
      },
      showErrors,
      decide: (step) => decideOn(deps, { context, actor, now }, step),
      refresh: noticeRefresh(deps, client, {
        context,
        now,
        clickedMessage: metadata.ch && metadata.ts ? { channel: metadata.ch, ts: metadata.ts } : null,
        logger,
      }),
    });
    if (refusal) await refuse(refusal, context);
  };
