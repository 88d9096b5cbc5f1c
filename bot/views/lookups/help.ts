import type { Locale } from '../../i18n/locale.ts';
import { lookupText } from '../../i18n/lookups.ts';
import { code, context, type LookupMessage, message, section } from './message.ts';

/** `/cert help`, and the answer to an unknown sub-command (with what was not understood, sanitised). */
export function helpMessage(locale: Locale, unknownSubCommand?: string): LookupMessage {
  const t = lookupText[locale];
  const lines = [t.helpDn, t.helpDcv, t.helpDcvNew, t.helpStatus, t.helpHelp].map((l) => `• ${l}`).join('\n');
  const blocks = [section(`${t.helpTitle}\n${lines}`), context(t.helpFooter)];
  if (unknownSubCommand !== undefined) {
    const unknown = t.helpUnknown({ excerpt: code(unknownSubCommand) });
    return message(unknown, [section(unknown), ...blocks]);
  }
  return message(t.helpTitle, blocks);
}
