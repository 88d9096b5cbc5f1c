import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewOutput, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { type DecisionText, decisionText } from '../../bot/i18n/decisions.ts';
import type { Locale } from '../../bot/i18n/locale.ts';
import { fieldErrorsText, type Refusal, refusalText } from '../../bot/views/decisions/decision-messages.ts';
import { messageModal } from '../../bot/views/decisions/modal-parts.ts';
import type { DecisionInput } from '../../domain/use-cases/decision-steps.ts';
import { type ModalMetadata, parseModalMetadata } from './decision-button.ts';
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

/** A submission of a decision modal, with its form read. */
export type Submission<F> = {
  readonly form: F;
  readonly metadata: ModalMetadata;
  readonly input: DecisionInput;
  readonly locale: Locale;
  readonly t: DecisionText;
  readonly args: SubmitArgs;
  /** Answers in the modal: the text replaces the form. */
  readonly show: (text: string) => Promise<void>;
  /** Answers in the modal: errors on their fields, the form stays. */
  readonly showErrors: (errors: FieldErrors) => Promise<void>;
  /** Answers a refusal of the use-case in the modal (field problems on their fields). */
  readonly refuse: (refusal: Refusal) => Promise<void>;
};

/**
 * The listener of a decision modal's submission: the user's language, the metadata and the form
 * parsed; a malformed submission replaces the modal with "invalid"; `run` calls its one use-case and
 * answers.
 */
export const decisionSubmission =
  <F>(
    deps: HandlerDeps,
    spec: {
      readonly read: (values: StateValues, locale: Locale) => Reading<F>;
      readonly run: (submission: Submission<F>) => Promise<void>;
    },
  ) =>
  async (args: SubmitArgs): Promise<void> => {
    const { ack, body, view, client } = args;
    const now = deps.now();
    const userId = body.user.id;
    const locale = await deps.userLocale(client, userId);
    const metadata = parseModalMetadata(view.private_metadata);
    const values = parseState(view);
    const reading = values ? spec.read(values, locale) : null;
    const show = async (text: string) => {
      await ack({ response_action: 'update', view: messageModal(locale, text) });
    };
    const showErrors = async (errors: FieldErrors) => {
      await ack({ response_action: 'errors', errors });
    };
    const refuse = (refusal: Refusal) =>
      refusal.reason === 'decision.fields'
        ? showErrors(fieldErrorsText(locale, refusal.fields))
        : show(refusalText(locale, refusal));
    if (!metadata || !reading) return refuse({ reason: 'decision.invalid' });
    if ('errors' in reading) return showErrors(reading.errors);
    await spec.run({
      form: reading.form,
      metadata,
      input: { cycleId: metadata.c, userId, now },
      locale,
      t: decisionText[locale],
      args,
      show,
      showErrors,
      refuse,
    });
  };
