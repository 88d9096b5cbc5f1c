import type { Locale } from '../../bot/i18n/locale.ts';
import { lookupText } from '../../bot/i18n/lookups.ts';
import { reasonMessage } from '../../bot/i18n/reasons.ts';
import { code, type LookupMessage, textMessage } from '../../bot/views/lookups/message.ts';
import { type ContractWithGroup, findContractByCn, memberRole } from '../../db/queries/lookup-queries.ts';
import { type DomainName, type MemberRole, normaliseCommonName } from '../../domain/index.ts';
import type { HandlerDeps } from './deps.ts';

/** One `/cert` request after the ack: who asks, where, in which language, at what time. */
export type LookupContext = {
  readonly deps: HandlerDeps;
  readonly locale: Locale;
  readonly userId: string;
  readonly channelId: string;
  readonly now: Date;
};

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly answer: LookupMessage };

/** A name typed by the user: normalised, or refused with the reason in the user's language. */
export function commonNameArgument(
  ctx: LookupContext,
  raw: string | undefined,
  usage: string,
): Outcome<DomainName> {
  const t = lookupText[ctx.locale];
  if (raw === undefined) return { ok: false, answer: textMessage(t.missingName({ usage })) };
  const name = normaliseCommonName(raw);
  if (name.ok) return name;
  const excerpt = String(name.params?.excerpt ?? '');
  return {
    ok: false,
    answer: textMessage(
      t.badName({
        excerpt: excerpt === '' ? '' : code(excerpt),
        why: reasonMessage(ctx.locale, name.reason, name.params),
      }),
    ),
  };
}

export type VisibleContract = {
  readonly name: DomainName;
  readonly contract: ContractWithGroup;
  readonly role: MemberRole;
};

/**
 * The contract for a name, when the user is a member of its service group. "No such contract" and
 * "not a member" give the same answer, so that the refusal does not reveal whether a contract exists.
 */
export async function visibleContract(
  ctx: LookupContext,
  raw: string | undefined,
  usage: string,
  hint?: string,
): Promise<Outcome<VisibleContract>> {
  const name = commonNameArgument(ctx, raw, usage);
  if (!name.ok) return name;
  const contract = await findContractByCn(ctx.deps.db, name.value.fqdn);
  const role = contract ? await memberRole(ctx.deps.db, contract.group.id, ctx.userId) : null;
  if (!contract || !role) return { ok: false, answer: notVisible(ctx.locale, name.value.fqdn, hint) };
  return { ok: true, value: { name: name.value, contract, role } };
}

export const notVisible = (locale: Locale, fqdn: string, hint?: string): LookupMessage => {
  const text = lookupText[locale].notVisible({ name: code(fqdn) });
  return textMessage(hint ? `${text}\n${hint}` : text);
};
