import { caSchema } from '../../../domain/index.ts';
import type { LookupRefusal } from '../../../domain/ports/lookups.ts';
import type { Locale } from '../../i18n/locale.ts';
import { lookupReasonMessage, lookupText } from '../../i18n/lookups.ts';
import { code, type LookupMessage, textMessage } from './message.ts';

/** How each look-up is typed, as its refusals quote it. */
export const USAGE = {
  dn: '`/cert dn <CN>`',
  dcv: '`/cert dcv <CN>`, `/cert dcv <FQDN> <CA>`',
  status: '`/cert status [CN]`',
} as const;
export type LookupCommand = keyof typeof USAGE;

/**
 * Why a look-up gives no answer, in the user's language. Names and excerpts from the domain (already
 * sanitised) are shown as code; `/cert dcv` adds how to check a name that is not under contract.
 */
export function refusalMessage(
  locale: Locale,
  refusal: LookupRefusal,
  command: LookupCommand,
): LookupMessage {
  const params = refusal.params ?? {};
  const param = (key: string) => String(params[key] ?? '');
  const excerpt = param('excerpt');
  const text = lookupReasonMessage(
    locale,
    refusal.reason,
    {
      usage: USAGE[command],
      name: code(param('name')),
      cn: code(param('cn')),
      excerpt: excerpt === '' ? '' : code(excerpt),
      cas: caSchema.options.join(', '),
    },
    params,
  );
  const hint =
    command === 'dcv' && refusal.reason === 'lookup.not_visible'
      ? lookupText[locale].notVisibleDcvHint
      : null;
  return textMessage(hint ? `${text}\n${hint}` : text);
}
