import type { Outcome } from '../ports/outbox.ts';
import type { MessageLookup } from '../ports/read-models.ts';

/**
 * An attempt that may have written already is looked for before writing again. A look-up that could
 * not answer is never "not there": the item waits and looks again, and the wait is not held against
 * it (Slack's rate limits on history reads are waited out, not counted as attempts).
 */
export const lookupUnanswered = (lookup: Extract<MessageLookup, { kind: 'unknown' }>): Outcome => ({
  kind: 'retry',
  error: `lookup: ${lookup.error}`,
  uncertain: true,
  retryAfterMs: lookup.retryAfterMs,
  countsAsAttempt: false,
});
