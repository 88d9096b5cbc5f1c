import { dnMessage } from '../../bot/views/lookups/dn.ts';
import type { LookupMessage } from '../../bot/views/lookups/message.ts';
import { lookUpDn } from '../../domain/use-cases/look-up-dn.ts';
import { type LookupContext, parseWords, words } from '../kit/lookup-context.ts';

const DnWords = words(1, 1).transform(([name = '']) => ({ name }));

/** `/cert dn <CN>`: the previous DN data of a contract (R-DN-1 proxy, R-DN-2 BYO). */
export async function certDn(ctx: LookupContext, args: readonly string[]): Promise<LookupMessage> {
  const parsed = parseWords(DnWords, args);
  const lookup = parsed.ok ? await lookUpDn(ctx.ports, { ...parsed.value, userId: ctx.userId }) : parsed;
  return dnMessage(ctx.locale, lookup);
}
