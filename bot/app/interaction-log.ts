import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from './logger.ts';
import type { InteractionType, Metrics } from './metrics.ts';

type Interaction = {
  readonly startedAt: number;
  ackedAt: number | null;
  reachedListeners: boolean;
  failed: boolean;
};

/**
 * One log line and the metrics of every Slack request: type, what it named (command, action_id,
 * callback_id), user, channel, outcome, time to ack and in all. Never the command text or any value
 * of the payload (they carry customer data).
 *
 * The ack is timed by wrapping the receiver event's `ack` in `app.processEvent` (receivers call it
 * per request; a global middleware gets a copy of the arguments and cannot replace the listeners'
 * `ack`); a global middleware sees the listeners' errors, which Bolt routes to `app.error` after.
 */
export function instrumentInteractions(
  app: App,
  options: { logger: Logger; metrics?: Pick<Metrics, 'slackAckSeconds' | 'slackInteractions'> },
): void {
  const { logger, metrics } = options;
  const current = new AsyncLocalStorage<Interaction>();

  app.use(async ({ next }) => {
    const interaction = current.getStore();
    if (interaction) interaction.reachedListeners = true;
    try {
      await next();
    } catch (error) {
      if (interaction) interaction.failed = true;
      throw error;
    }
  });

  const process = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent): Promise<void> => {
    const interaction: Interaction = {
      startedAt: performance.now(),
      ackedAt: null,
      reachedListeners: false,
      failed: false,
    };
    const timed: ReceiverEvent = {
      ...event,
      ack: async (response) => {
        try {
          return await event.ack(response);
        } finally {
          interaction.ackedAt ??= performance.now();
        }
      },
    };
    try {
      await current.run(interaction, () => process(timed));
    } catch (error) {
      interaction.failed = true;
      throw error;
    } finally {
      // Nothing listens for it (an unknown action id, a payload type Kigen has no listener for, a
      // payload Bolt could not route): acknowledged at once, so that Slack never waits 3 s for a 404.
      if (interaction.ackedAt === null) await acknowledgeUnhandled(event, logger);
      record(interaction, event);
    }
  };

  const record = (interaction: Interaction, event: ReceiverEvent) => {
    const body = (event.body ?? {}) as Record<string, unknown>;
    const type = typeOf(body);
    const outcome =
      interaction.failed || !interaction.reachedListeners
        ? 'error'
        : interaction.ackedAt === null
          ? 'unhandled'
          : 'ok';
    const ackMs = interaction.ackedAt === null ? null : round(interaction.ackedAt - interaction.startedAt);
    const totalMs = round(performance.now() - interaction.startedAt);
    metrics?.slackInteractions.inc({ type, outcome });
    if (ackMs !== null) metrics?.slackAckSeconds.observe({ type }, ackMs / 1000);
    const names = namesOf(body);
    const name = names.command ?? names.actionId ?? names.callbackId ?? names.event ?? '';
    const line = {
      interaction: {
        type,
        ...names,
        user: userOf(body),
        channel: channelOf(body),
        team: teamOf(body),
        outcome,
        ackMs,
        totalMs,
        ...(event.retryNum ? { retryNum: event.retryNum } : {}),
      },
    };
    const text = `Slack ${type}${name ? ` ${name}` : ''}: ${outcome}${ackMs === null ? '' : `, ack ${ackMs} ms`}, ${totalMs} ms`;
    if (outcome === 'ok') logger.info(line, text);
    else logger.warn(line, text);
  };
}

async function acknowledgeUnhandled(event: ReceiverEvent, logger: Logger): Promise<void> {
  try {
    await event.ack();
  } catch (error) {
    logger.debug({ err: error }, 'Slack request could not be acknowledged (already answered)');
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function typeOf(body: Record<string, unknown>): InteractionType {
  if (typeof body.command === 'string') return 'command';
  switch (body.type) {
    case 'block_actions':
    case 'interactive_message':
      return 'action';
    case 'view_submission':
    case 'view_closed':
      return 'view';
    case 'shortcut':
    case 'message_action':
      return 'shortcut';
    case 'block_suggestion':
      return 'options';
    case 'event_callback':
      return 'event';
    default:
      return 'other';
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** What the request named: identifiers defined by the app, never user input. */
function namesOf(body: Record<string, unknown>): Record<string, string> {
  const actions = body.actions as { action_id?: unknown }[] | undefined;
  const view = body.view as { callback_id?: unknown } | undefined;
  const event = body.event as { type?: unknown } | undefined;
  const names: Record<string, string | undefined> = {
    command: str(body.command),
    actionId: Array.isArray(actions) ? str(actions[0]?.action_id) : str(body.action_id),
    callbackId: str(view?.callback_id) ?? str(body.callback_id),
    event: str(event?.type),
  };
  return Object.fromEntries(Object.entries(names).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

function userOf(body: Record<string, unknown>): string | undefined {
  const user = body.user as { id?: unknown } | undefined;
  const event = body.event as { user?: unknown } | undefined;
  return str(body.user_id) ?? str(user?.id) ?? str(event?.user);
}

function channelOf(body: Record<string, unknown>): string | undefined {
  const channel = body.channel as { id?: unknown } | undefined;
  const event = body.event as { channel?: unknown } | undefined;
  return str(body.channel_id) ?? str(channel?.id) ?? str(event?.channel);
}

function teamOf(body: Record<string, unknown>): string | undefined {
  const team = body.team as { id?: unknown } | undefined;
  return str(body.team_id) ?? str(team?.id);
}
