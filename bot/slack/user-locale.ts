import type { WebClient } from '@slack/web-api';
import { type Locale, localeFromSlack } from '../i18n/locale.ts';

export type UserLocaleOptions = {
  /** KIGEN_LOCALE: used when Slack does not say, or cannot be asked. */
  readonly fallback: Locale;
  /** How long a user's locale is trusted (default 1 hour). */
  readonly ttlMs?: number;
  /** How long a failed look-up answers with the fallback before Slack is asked again (default 1 minute). */
  readonly failureTtlMs?: number;
  /** Give up on `users.info` after this long, with the fallback (default 1.5 s). */
  readonly timeoutMs?: number;
  /** Cache size; the oldest entries go first beyond it (default 10,000). */
  readonly maxEntries?: number;
  readonly clock?: () => number;
  readonly onError?: (error: unknown, userId: string) => void;
};

export type UserLocales = {
  /** The user's language: cached, else `users.info` with `include_locale`, else the fallback. Never throws. */
  of(client: WebClient, userId: string): Promise<Locale>;
  /** The cached language without asking Slack, or null. */
  peek(userId: string): Locale | null;
};

/**
 * The language of a Slack user, from their Slack locale (`users.info`, scope users:read), cached in
 * memory. Called after the ack, so a slow or failing Slack never delays acknowledging a request.
 */
export function createUserLocales(options: UserLocaleOptions): UserLocales {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const failureTtlMs = options.failureTtlMs ?? 60 * 1000;
  const timeoutMs = options.timeoutMs ?? 1500;
  const maxEntries = options.maxEntries ?? 10_000;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { locale: Locale; until: number }>();
  const inFlight = new Map<string, Promise<Locale>>();

  const remember = (userId: string, locale: Locale, forMs: number) => {
    cache.delete(userId);
    cache.set(userId, { locale, until: clock() + forMs });
    if (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  };

  const peek = (userId: string): Locale | null => {
    const hit = cache.get(userId);
    return hit && hit.until > clock() ? hit.locale : null;
  };

  const ask = async (client: WebClient, userId: string): Promise<Locale> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`users.info took longer than ${timeoutMs} ms`)), timeoutMs);
      });
      const answer = await Promise.race([client.users.info({ user: userId, include_locale: true }), timeout]);
      const locale = localeFromSlack(answer.user?.locale, options.fallback);
      remember(userId, locale, ttlMs);
      return locale;
    } catch (error) {
      options.onError?.(error, userId);
      remember(userId, options.fallback, failureTtlMs);
      return options.fallback;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    peek,
    of: (client, userId) => {
      const cached = peek(userId);
      if (cached) return Promise.resolve(cached);
      const pending = inFlight.get(userId);
      if (pending) return pending;
      const asked = ask(client, userId).finally(() => inFlight.delete(userId));
      inFlight.set(userId, asked);
      return asked;
    },
  };
}
