import { helpMessage } from '../../bot/views/lookups/help.ts';
import type { LookupMessage } from '../../bot/views/lookups/message.ts';
import { sanitisedExcerpt } from '../../domain/index.ts';
import type { LookupContext } from '../kit/lookup-context.ts';

/** `/cert help`; an unknown sub-command gets the help too, saying what was not understood. */
export function certHelp(ctx: LookupContext, unknownSubCommand?: string): LookupMessage {
  return helpMessage(
    ctx.locale,
    unknownSubCommand === undefined ? undefined : sanitisedExcerpt(unknownSubCommand),
  );
}
