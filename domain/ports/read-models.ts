import type { Ca, Category, CsrMethod, Locale, PeriodMonths } from '../rules/contract-terms.ts';

/** A contract as every use-case and view sees it: one projection, read with the contract. */
export type ContractFacts = {
  readonly id: string;
  readonly cn: string;
  readonly category: Category;
  readonly ca: Ca | null;
  readonly productId: string | null;
  readonly periodMonths: PeriodMonths | null;
  readonly csrMethod: CsrMethod | null;
  readonly wwwOption: boolean;
  readonly linkedServices: readonly string[];
  readonly slackChannelId: string;
  readonly status: 'active' | 'cancelled';
  readonly serviceGroupId: string;
  /** The service group's language; null: the deployment's default (KIGEN_LOCALE). */
  readonly locale: Locale | null;
};

/** R-NOTICE-3: the members of the contract's service group, by role (Slack user ids). */
export type Recipients = {
  readonly groupAdmins: readonly string[];
  readonly serviceAdmins: readonly string[];
};

/** A message in Slack: its channel and timestamp. */
export type PostedMessage = { readonly channel: string; readonly ts: string };

/**
 * What a look for an already written message (by its metadata) found. `unknown` is never "not there":
 * the look-up failed, was rate-limited or could not finish, so the caller waits and looks again.
 */
export type MessageLookup =
  | { readonly kind: 'found'; readonly message: PostedMessage }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown'; readonly error: string; readonly retryAfterMs?: number };
