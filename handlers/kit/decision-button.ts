import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  RespondFn,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Locale } from '../../bot/i18n/locale.ts';
import {
  type DecisionMessage,
  type Refusal,
  refusalMessage,
} from '../../bot/views/decisions/decision-messages.ts';
import type { DecisionInput } from '../../domain/use-cases/decision-steps.ts';
import type { HandlerDeps } from './deps.ts';

/** A notice button's value: the cycle id, nothing else. */
export const cycleIdSchema = z.string().uuid();

/** What a modal carries between opening and submission (validated again on submit). */
export const modalMetadataSchema = z
  .object({
    /** cycle id */
    c: z.string().uuid(),
    /** the notice message the button was on */
    ch: z
      .string()
      .regex(/^[CDG][A-Z0-9]{2,20}$/)
      .optional(),
    ts: z
      .string()
      .regex(/^\d{1,12}\.\d{1,8}$/)
      .optional(),
    /** GlobalSign approver choices offered in the modal (R-DCV-GLOBALSIGN) */
    ap: z.array(z.string().min(3).max(254)).max(30).optional(),
  })
  .strict();
export type ModalMetadata = z.infer<typeof modalMetadataSchema>;

export const parseModalMetadata = (raw: string): ModalMetadata | null => {
  try {
    const parsed = modalMetadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

type Logger = { warn(obj: unknown, msg?: string): void };

/** Answers only the user who clicked (never the channel). */
export const respondPrivately = (respond: RespondFn, message: DecisionMessage) =>
  respond({
    response_type: 'ephemeral',
    replace_original: false,
    text: message.text,
    blocks: message.blocks,
  });

export const answerRefusal = (respond: RespondFn, locale: Locale, refusal: Refusal) =>
  respondPrivately(respond, refusalMessage(locale, refusal));

/** An ephemeral message to a user in a channel, for answers after a modal closed. */
export async function postPrivately(
  client: WebClient,
  channel: string,
  user: string,
  message: DecisionMessage,
  logger: Logger,
): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks });
  } catch (error) {
    logger.warn({ err: error }, 'An ephemeral answer could not be posted');
  }
}

/** The message the button was on (`container` of a block action). */
export function clickedMessageOf(body: {
  container?: { channel_id?: string; message_ts?: string };
  channel?: { id?: string };
  message?: { ts?: string };
}): { channel: string; ts: string } | null {
  const channel = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  return channel && ts ? { channel, ts } : null;
}

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** A click on a notice button: who, on which cycle, when, in which language. */
export type ButtonClick = {
  /** What the use-case is asked: the cycle, the user, the time. */
  readonly input: DecisionInput;
  readonly locale: Locale;
  readonly args: ButtonArgs;
  /** What a modal opened by this click carries to its submission: the cycle and the notice. */
  readonly modalMetadata: ModalMetadata;
  readonly refuse: (refusal: Refusal) => Promise<void>;
  readonly tell: (message: DecisionMessage) => Promise<void>;
};

/**
 * The listener of a notice button: ack, the user's language and the button's value parsed; `run`
 * calls its one use-case and answers (refusals privately, in the user's language).
 */
export const decisionButton =
  (deps: HandlerDeps, run: (click: ButtonClick) => Promise<void>) =>
  async (args: ButtonArgs): Promise<void> => {
    const { ack, body, action, respond, client } = args;
    await ack();
    const now = deps.now();
    const userId = body.user.id;
    const locale = await deps.userLocale(client, userId);
    const refuse = async (refusal: Refusal) => void (await answerRefusal(respond, locale, refusal));
    const cycleId = cycleIdSchema.safeParse(action.value);
    if (!cycleId.success) return refuse({ reason: 'decision.invalid' });
    const clicked = clickedMessageOf(body);
    await run({
      input: { cycleId: cycleId.data, userId, now },
      locale,
      args,
      modalMetadata: { c: cycleId.data, ...(clicked ? { ch: clicked.channel, ts: clicked.ts } : {}) },
      refuse,
      tell: async (message) => void (await respondPrivately(respond, message)),
    });
  };
