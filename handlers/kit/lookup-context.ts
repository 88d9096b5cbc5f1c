import { z } from 'zod';
import type { Locale } from '../../bot/i18n/locale.ts';
import { err, ok, type Result } from '../../domain/index.ts';
import type { KigenPorts } from '../../domain/ports/index.ts';
import type { LookupReason } from '../../domain/ports/lookups.ts';

/** One `/cert` request after the ack: who asks, where, in which language, at what time, with which ports. */
export type LookupContext = {
  readonly ports: KigenPorts;
  readonly locale: Locale;
  readonly userId: string;
  readonly channelId: string;
  readonly now: Date;
};

/** A sub-command's words after it: between `min` and `max` of them (Slack sends them as typed). */
export const words = (min: number, max: number) => z.array(z.string()).min(min).max(max);

/** The words parsed, or the look-ups' refusal: a missing name, or too many words. */
export function parseWords<T>(
  schema: z.ZodType<T, string[]>,
  input: readonly string[],
): Result<T, LookupReason> {
  const parsed = schema.safeParse([...input]);
  if (parsed.success) return ok(parsed.data);
  return err(
    parsed.error.issues[0]?.code === 'too_small' ? 'lookup.missing_name' : 'lookup.too_many_arguments',
  );
}
