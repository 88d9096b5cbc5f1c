import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  RespondFn,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { escapeMrkdwn, type Locale } from '../../bot/i18n/locale.ts';
import { type RefreshLogger, refreshNotice } from '../../bot/slack/notice-refresh.ts';
import {
  type DecisionMessage,
  type Refusal,
  refusalMessage,
} from '../../bot/views/decisions/decision-messages.ts';
import type { PeriodChoice } from '../../bot/views/decisions/modal-parts.ts';
import {
  type DecisionContext,
  type DecisionOutcome,
  type DecisionRequest,
  decide,
  loadDecisionContext,
  recordDecisionRefusal,
  roleIn,
} from '../../db/stores/decisions.ts';
import {
  type Actor,
  allowedRenewalPeriods,
  applyCycleCommand,
  type CycleCommand,
  type CycleReason,
  estimateValidity,
  findProduct,
  type PeriodMonths,
  type Product,
  type RenewalCycle,
} from '../../domain/index.ts';
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

export type UserActor = Actor & { type: 'user' };

export type Loaded =
  | { readonly ok: true; readonly context: DecisionContext; readonly actor: UserActor }
  | { readonly ok: false; readonly refusal: Refusal; readonly context: DecisionContext | null };

/** The decision context of a cycle for this user; a cycle or contract that is gone is refused. */
export async function loadForUser(deps: HandlerDeps, cycleId: string, userId: string): Promise<Loaded> {
  const parsed = cycleIdSchema.safeParse(cycleId);
  if (!parsed.success) return { ok: false, refusal: { kind: 'invalid' }, context: null };
  const context = await loadDecisionContext(deps.db, parsed.data);
  if (!context) return { ok: false, refusal: { kind: 'contract_gone' }, context: null };
  return { ok: true, context, actor: roleIn(context, userId) as UserActor };
}

/** A domain reason in the vocabulary of the messages. */
export function refusalOf(
  reason: CycleReason,
  params: Readonly<Record<string, unknown>>,
  context: DecisionContext,
  cycle: RenewalCycle,
): Refusal {
  switch (reason) {
    case 'cycle.not_authorized':
      return { kind: 'not_group_admin', groupAdmins: context.groupAdmins };
    case 'cycle.decision_deadline_passed':
      return { kind: 'decision_deadline_passed', deadline: new Date(String(params.deadline)) };
    case 'cycle.data_deadline_passed':
      return { kind: 'data_deadline_passed', deadline: new Date(String(params.deadline)) };
    case 'cycle.already_decided':
      return { kind: 'already_decided', cycle };
    case 'cycle.closed':
      return { kind: 'closed', state: cycle.state };
    case 'cycle.not_opted_out':
      return { kind: 'not_opted_out' };
    case 'cycle.opted_out':
      return { kind: 'opted_out' };
    case 'cycle.not_for_category':
      return cycle.category === 'byo' ? { kind: 'not_for_byo' } : { kind: 'not_for_proxy' };
    case 'cycle.period_not_allowed':
      return { kind: 'period_not_allowed', allowed: String(params.allowed ?? '') };
    default:
      return { kind: 'invalid' };
  }
}

/**
 * The domain's answer to a command on the cycle as it is now, without writing: the guards of the
 * state machine (who, deadlines, state) decide whether a button may open its modal or act.
 */
export function precheck(
  context: DecisionContext,
  command: CycleCommand,
  now: Date,
): { readonly refusal: Refusal | null; readonly changed: boolean } {
  const result = applyCycleCommand(context.cycle, command, now);
  if (!result.ok) {
    return {
      refusal: refusalOf(result.reason, result.params ?? {}, context, context.cycle),
      changed: false,
    };
  }
  return { refusal: null, changed: result.value.changed };
}

/** The outcome of `decide` as a refusal, or null when the decision was taken. */
export function refusalOfOutcome(outcome: DecisionOutcome, context: DecisionContext): Refusal | null {
  switch (outcome.kind) {
    case 'decided':
      return null;
    case 'already_decided':
      return { kind: 'already_decided', cycle: outcome.cycle };
    case 'not_found':
      return { kind: 'contract_gone' };
    case 'refused':
      return refusalOf(outcome.reason, outcome.params, context, outcome.cycle);
  }
}

/** Records a refusal found before the decision's transaction (who, when, why; nothing changed). */
export async function auditRefusal(
  deps: HandlerDeps,
  input: {
    readonly userId: string;
    readonly action: string;
    readonly refusal: Refusal;
    readonly context: DecisionContext | null;
    readonly cycleId?: string | null;
    readonly now: Date;
  },
  logger: RefreshLogger,
): Promise<void> {
  try {
    await recordDecisionRefusal(deps.db, {
      actor: input.userId,
      action: input.action,
      reason: input.refusal.kind,
      at: input.now,
      cycle: input.context?.cycle ?? null,
      cycleId: input.cycleId ?? null,
    });
  } catch (error) {
    logger.warn({ err: error }, 'A refusal could not be recorded in the audit log');
  }
}

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
  logger: RefreshLogger,
): Promise<void> {
  try {
    await client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks });
  } catch (error) {
    logger.warn({ err: error }, 'An ephemeral answer could not be posted');
  }
}

/** The contract's product and its allowed renewal periods (R-CHANGE-1), or null when unknown. */
export function productOf(
  context: DecisionContext,
): { product: Product; allowed: readonly PeriodMonths[] } | null {
  if (!context.contract.productId) return null;
  const product = findProduct(context.contract.productId);
  if (!product.ok) return null;
  return { product: product.value, allowed: allowedRenewalPeriods(product.value) };
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

/**
 * R-CHANGE-1, R-VALID-1, R-CABF-1: the periods the product sells today, each with the estimated expiry
 * of a certificate issued now that renews the cycle's.
 */
export function periodChoices(context: DecisionContext, now: Date): PeriodChoice[] {
  const known = productOf(context);
  if (!known) return [];
  return known.allowed.map((period) => {
    const estimate = estimateValidity({
      ca: known.product.ca,
      periodMonths: period,
      issuedAt: now,
      oldNotAfter: context.cycle.expiresAt,
    });
    return { period, estimate: estimate.ok ? estimate.value : null };
  });
}

/** The product's name in the user's language, escaped for mrkdwn. */
export function productName(context: DecisionContext, locale: Locale): string {
  const known = productOf(context);
  const name = known
    ? locale === 'ja'
      ? known.product.nameJa
      : known.product.nameEn
    : (context.contract.productId ?? '');
  return escapeMrkdwn(name);
}

/** The first allowed period other than the chosen one: what a dry run of `changePeriod` tries. */
export function probePeriod(context: DecisionContext): PeriodMonths | null {
  const known = productOf(context);
  if (!known) return null;
  return known.allowed.find((p) => p !== context.cycle.chosenPeriod) ?? known.allowed[0] ?? null;
}

/** A decision taken, or the refusal to answer with (already recorded by `decide`). */
export type Decision =
  | { readonly ok: true; readonly cycle: RenewalCycle; readonly changed: boolean }
  | { readonly ok: false; readonly refusal: Refusal; readonly outcome: DecisionOutcome };

/** What a decision adds to the loaded cycle, the user and the time. */
export type DecisionStep = Omit<DecisionRequest, 'cycleId' | 'actor' | 'now'>;

/** Takes one decision on the loaded cycle, as the user, at `now`. */
export async function decideOn(
  deps: HandlerDeps,
  on: { readonly context: DecisionContext; readonly actor: UserActor; readonly now: Date },
  step: DecisionStep,
): Promise<Decision> {
  const outcome = await decide(deps.db, {
    cycleId: on.context.cycle.id,
    actor: on.actor,
    now: on.now,
    ...step,
  });
  if (outcome.kind === 'decided') return { ok: true, cycle: outcome.cycle, changed: outcome.changed };
  return { ok: false, refusal: refusalOfOutcome(outcome, on.context) ?? { kind: 'invalid' }, outcome };
}

/** Edits the notice of the cycle after a decision and replies in its thread (in the channel's language). */
export type NoticeRefresh = (cycle: RenewalCycle, reply: (locale: Locale) => string) => Promise<void>;

export const noticeRefresh =
  (
    deps: HandlerDeps,
    client: WebClient,
    at: {
      readonly context: DecisionContext;
      readonly now: Date;
      readonly clickedMessage: { readonly channel: string; readonly ts: string } | null;
      readonly logger: RefreshLogger;
    },
  ): NoticeRefresh =>
  (cycle, reply) =>
    refreshNotice(client, {
      context: at.context,
      cycle,
      now: at.now,
      fallbackLocale: deps.locale ?? 'ja',
      clickedMessage: at.clickedMessage,
      logger: at.logger,
      reply,
    });

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** A click on a notice button, with the cycle loaded for the user who clicked. */
export type ButtonClick = {
  readonly context: DecisionContext;
  readonly actor: UserActor;
  readonly userId: string;
  readonly locale: Locale;
  readonly now: Date;
  readonly args: ButtonArgs;
  /** What a modal opened by this click carries to its submission: the cycle and the notice. */
  readonly modalMetadata: ModalMetadata;
  /** Takes the decision; a refusal is answered to the user and gives null. */
  readonly decide: (step: DecisionStep) => Promise<{ cycle: RenewalCycle; changed: boolean } | null>;
  readonly refresh: NoticeRefresh;
};

/**
 * The listener of a notice button: ack, then the user's language and the cycle as this user sees it;
 * a refusal (from the loading, or the one `run` returns) is recorded as `action` and answered privately.
 */
export const decisionButton =
  (
    deps: HandlerDeps,
    spec: {
      readonly action: string;
      /** The rule: acts, or returns the refusal to record and answer. */
      readonly run: (click: ButtonClick) => Promise<Refusal | undefined> | Promise<void>;
    },
  ) =>
  async (args: ButtonArgs): Promise<void> => {
    const { ack, body, action, respond, client, logger } = args;
    await ack();
    const now = deps.now();
    const userId = body.user.id;
    const [locale, loaded] = await Promise.all([
      deps.userLocale(client, userId),
      loadForUser(deps, action.value ?? '', userId),
    ]);
    const refuse = async (refusal: Refusal) => {
      await auditRefusal(
        deps,
        { userId, action: spec.action, refusal, context: loaded.context, cycleId: action.value, now },
        logger,
      );
      await answerRefusal(respond, locale, refusal);
    };
    if (!loaded.ok) return refuse(loaded.refusal);
    const { context, actor } = loaded;
    const clicked = clickedMessageOf(body);
    const refusal = await spec.run({
      context,
      actor,
      userId,
      locale,
      now,
      args,
      modalMetadata: { c: context.cycle.id, ...(clicked ? { ch: clicked.channel, ts: clicked.ts } : {}) },
      decide: async (step) => {
        const decision = await decideOn(deps, { context, actor, now }, step);
        if (decision.ok) return decision;
        await answerRefusal(respond, locale, decision.refusal);
        return null;
      },
      refresh: noticeRefresh(deps, client, { context, now, clickedMessage: clicked, logger }),
    });
    if (refusal) await refuse(refusal);
  };
