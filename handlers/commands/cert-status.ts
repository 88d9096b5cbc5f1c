import { lookupText } from '../../bot/i18n/lookups.ts';
import type { LookupMessage } from '../../bot/views/lookups/message.ts';
import { textMessage } from '../../bot/views/lookups/message.ts';
import { type ContractStatus, statusMessage } from '../../bot/views/lookups/status.ts';
import {
  type ContractWithGroup,
  findContractsByChannel,
  groupIdsOfMember,
  latestCertificateExpiries,
  latestCycles,
} from '../../db/queries/lookup-queries.ts';
import { findProduct } from '../../domain/index.ts';
import { type LookupContext, visibleContract } from '../kit/lookup-context.ts';

export const STATUS_USAGE = '`/cert status [CN]`';

/** `/cert status [CN]`: the contracts of this channel the user may see, or one contract. */
export async function certStatus(ctx: LookupContext, args: readonly string[]): Promise<LookupMessage> {
  const t = lookupText[ctx.locale];
  if (args.length > 1) return textMessage(t.tooManyArguments({ usage: STATUS_USAGE }));
  if (args.length === 1) {
    const visible = await visibleContract(ctx, args[0], STATUS_USAGE);
    if (!visible.ok) return visible.answer;
    const [status] = await statuses(ctx, [visible.value.contract]);
    return statusMessage({
      locale: ctx.locale,
      contracts: status ? [status] : [],
      single: visible.value.contract.cn,
    });
  }
  // Contracts of other service groups in the same channel are left out without a word.
  const [inChannel, groups] = await Promise.all([
    findContractsByChannel(ctx.deps.db, ctx.channelId),
    groupIdsOfMember(ctx.deps.db, ctx.userId),
  ]);
  const mine = inChannel.filter((c) => groups.includes(c.group.id));
  return statusMessage({ locale: ctx.locale, contracts: await statuses(ctx, mine) });
}

async function statuses(
  ctx: LookupContext,
  contracts: readonly ContractWithGroup[],
): Promise<ContractStatus[]> {
  const ids = contracts.map((c) => c.id);
  const [cycles, expiries] = await Promise.all([
    latestCycles(ctx.deps.db, ids),
    latestCertificateExpiries(ctx.deps.db, ids),
  ]);
  return contracts.map((c) => {
    const cycle = cycles.get(c.id) ?? null;
    const product = c.productId ? findProduct(c.productId) : null;
    return {
      cn: c.cn,
      category: c.category,
      ca: c.ca,
      productName: product?.ok ? (ctx.locale === 'ja' ? product.value.nameJa : product.value.nameEn) : null,
      expiresAt: expiries.get(c.id) ?? cycle?.expiresAt ?? null,
      cycle,
    };
  });
}
