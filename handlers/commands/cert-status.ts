import type { LookupMessage } from '../../bot/views/lookups/message.ts';
import { statusMessage } from '../../bot/views/lookups/status.ts';
import { lookUpStatus } from '../../domain/use-cases/look-up-status.ts';
import { type LookupContext, parseWords, words } from '../kit/lookup-context.ts';

const StatusWords = words(0, 1).transform(([name]) => (name === undefined ? {} : { name }));

/** `/cert status [CN]`: the contracts of this channel the user may see, or one contract. */
export async function certStatus(ctx: LookupContext, args: readonly string[]): Promise<LookupMessage> {
  const parsed = parseWords(StatusWords, args);
  const lookup = parsed.ok
    ? await lookUpStatus(ctx.ports, { ...parsed.value, userId: ctx.userId, channelId: ctx.channelId })
    : parsed;
  return statusMessage(ctx.locale, lookup);
}
