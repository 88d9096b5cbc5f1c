import { lookupText } from '../../bot/i18n/lookups.ts';
import { dcvMessage } from '../../bot/views/lookups/dcv.ts';
import { code, type LookupMessage, textMessage } from '../../bot/views/lookups/message.ts';
import { openCycle, renewalApplicationOfCycle } from '../../db/queries/lookup-queries.ts';
import { caSchema, lookUpDcv, sanitisedExcerpt } from '../../domain/index.ts';
import { commonNameArgument, type LookupContext, visibleContract } from '../kit/lookup-context.ts';

export const DCV_USAGE = '`/cert dcv <CN>`, `/cert dcv <FQDN> <CA>`';
const CAS = caSchema.options.join(', ');

/**
 * `/cert dcv <CN>` for a contract (its CA), `/cert dcv <FQDN> <CA>` for any name (no contract, no
 * membership needed: it says only what public DNS says). R-CABF-3, with live look-ups (R-DCV-5).
 */
export async function certDcv(ctx: LookupContext, args: readonly string[]): Promise<LookupMessage> {
  const t = lookupText[ctx.locale];
  if (args.length > 2) return textMessage(t.tooManyArguments({ usage: DCV_USAGE }));
  if (args.length === 2) return uncontracted(ctx, args[0], args[1] ?? '');

  const visible = await visibleContract(ctx, args[0], DCV_USAGE, t.notVisibleDcvHint);
  if (!visible.ok) return visible.answer;
  const { contract, name } = visible.value;
  if (contract.ca === null) return textMessage(t.dcvByo({ cn: code(contract.cn) }));
  const ca = contract.ca;

  // DNS and the database in parallel: the approver choice matters for GlobalSign only.
  const [answer, approver] = await Promise.all([
    lookUpDcv(ctx.deps.resolver, { name, ca, on: ctx.now }),
    ca === 'globalsign' ? currentApprover(ctx, contract.id) : Promise.resolve(null),
  ]);
  return dcvMessage({
    locale: ctx.locale,
    answer,
    on: ctx.now,
    displayName: name.unicode,
    contract: {
      id: contract.id,
      openCycleId: approver?.cycleId ?? null,
      currentApprover: approver?.address ?? null,
    },
  });
}

async function uncontracted(
  ctx: LookupContext,
  rawName: string | undefined,
  rawCa: string,
): Promise<LookupMessage> {
  const t = lookupText[ctx.locale];
  const name = commonNameArgument(ctx, rawName, DCV_USAGE);
  if (!name.ok) return name.answer;
  const ca = caSchema.safeParse(rawCa.toLowerCase());
  if (!ca.success) return textMessage(t.unknownCa({ excerpt: code(sanitisedExcerpt(rawCa)), cas: CAS }));
  const answer = await lookUpDcv(ctx.deps.resolver, { name: name.value, ca: ca.data, on: ctx.now });
  return dcvMessage({ locale: ctx.locale, answer, on: ctx.now, displayName: name.value.unicode });
}

async function currentApprover(ctx: LookupContext, contractId: string) {
  const cycle = await openCycle(ctx.deps.db, contractId);
  if (!cycle) return null;
  const application = await renewalApplicationOfCycle(ctx.deps.db, cycle.id);
  return { cycleId: cycle.id, address: application?.approverAddress ?? null };
}
