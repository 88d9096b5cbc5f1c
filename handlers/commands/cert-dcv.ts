import { dcvLookupMessage } from '../../bot/views/lookups/dcv.ts';
import type { LookupMessage } from '../../bot/views/lookups/message.ts';
import { lookUpDcvAddresses } from '../../domain/use-cases/look-up-dcv.ts';
import { type LookupContext, parseWords, words } from '../kit/lookup-context.ts';

const DcvWords = words(1, 2).transform(([name = '', ca]) => (ca === undefined ? { name } : { name, ca }));

/**
 * `/cert dcv <CN>` for a contract (its CA), `/cert dcv <FQDN> <CA>` for any name (no contract, no
 * membership needed: it says only what public DNS says). R-CABF-3, with live look-ups (R-DCV-5).
 */
export async function certDcv(ctx: LookupContext, args: readonly string[]): Promise<LookupMessage> {
  const parsed = parseWords(DcvWords, args);
  const lookup = parsed.ok
    ? await lookUpDcvAddresses(ctx.ports, { ...parsed.value, userId: ctx.userId, now: ctx.now })
    : parsed;
  return dcvLookupMessage(ctx.locale, lookup, ctx.now);
}
