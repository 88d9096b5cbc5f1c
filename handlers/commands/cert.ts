import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { LookupMessage } from '../../bot/views/lookups/message.ts';
import type { HandlerDeps } from '../kit/deps.ts';
import type { LookupContext } from '../kit/lookup-context.ts';
import { respondEphemeral } from '../kit/reply.ts';
import { certDcv } from './cert-dcv.ts';
import { certDn } from './cert-dn.ts';
import { certHelp } from './cert-help.ts';
import { certStatus } from './cert-status.ts';

export const CERT_COMMAND = '/cert';

const SUB_COMMANDS: Readonly<
  Record<string, (ctx: LookupContext, args: readonly string[]) => Promise<LookupMessage> | LookupMessage>
> = {
  dn: certDn,
  dcv: certDcv,
  status: certStatus,
  help: (ctx) => certHelp(ctx),
};

/** Splits the command text on white space (Slack sends it as typed, markup and all). */
export const commandWords = (text: string): string[] => text.split(/\s+/u).filter((w) => w !== '');

/**
 * `/cert <sub-command> …`: acknowledged at once, before any database or DNS work; the answer follows
 * through `respond`, visible to the asker only.
 */
export const certCommand =
  (deps: HandlerDeps) =>
  async ({
    ack,
    command,
    respond,
    client,
  }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const locale = await deps.userLocale(client, command.user_id);
    const ctx: LookupContext = {
      ports: deps.ports,
      locale,
      userId: command.user_id,
      channelId: command.channel_id,
      now: deps.now(),
    };
    const [sub, ...args] = commandWords(command.text ?? '');
    const key = sub?.toLowerCase() ?? 'help';
    const run = Object.hasOwn(SUB_COMMANDS, key) ? SUB_COMMANDS[key] : undefined;
    const answer = run ? await run(ctx, args) : certHelp(ctx, sub);
    await respondEphemeral(respond, answer);
  };

export function register(app: App, deps: HandlerDeps): void {
  app.command(CERT_COMMAND, certCommand(deps));
}
