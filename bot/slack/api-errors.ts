import type { Metrics } from '../app/metrics.ts';

/**
 * A `fetch` for Slack clients (`WebClient`'s and Bolt's `clientOptions.fetch`) that counts failed
 * calls in `kigen_slack_api_errors_total{method, code}`.
 *
 * Why fetch and not `WebClient.apiCall`: the client's methods (`client.chat.postMessage`) are bound
 * to `apiCall` when the client is constructed, so replacing it afterwards sees nothing; and Bolt
 * builds a client per request from `clientOptions`. Every attempt is counted, retries included, so a
 * rate limit shows even when the retry succeeds. `globalThis.fetch` is looked up per call (tests'
 * nock patches it).
 */
export function observedSlackFetch(metrics: Pick<Metrics, 'slackApiErrors'>): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = methodOf(url);
    let response: Response;
    try {
      response = await globalThis.fetch(input, init);
    } catch (error) {
      const name = (error as { name?: string }).name;
      metrics.slackApiErrors.inc({
        method,
        code: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'request_error',
      });
      throw error;
    }
    const code = await errorCodeOf(response);
    if (code !== null) metrics.slackApiErrors.inc({ method, code });
    return response;
  };
}

/** `https://slack.com/api/chat.postMessage` → `chat.postMessage`; anything else (response_url) → `response_url`. */
function methodOf(url: string): string {
  const match = /\/api\/([A-Za-z0-9_.]+)(?:[?#]|$)/.exec(url);
  return match?.[1] ?? 'response_url';
}

async function errorCodeOf(response: Response): Promise<string | null> {
  if (response.status === 429) return 'ratelimited';
  if (response.status < 200 || response.status >= 300) return `http_${response.status}`;
  if (!(response.headers.get('content-type') ?? '').includes('json')) return null;
  try {
    const body = (await response.clone().json()) as { ok?: unknown; error?: unknown };
    if (body.ok !== false) return null;
    return typeof body.error === 'string' && /^[a-z0-9_]{1,64}$/.test(body.error) ? body.error : 'unknown';
  } catch {
    return null;
  }
}

/** A failed Slack call, classified once for every caller (outbox, listeners, look-ups). */
export type SlackFailure = {
  /** Slack's error code (`channel_not_found`, `ratelimited`, …), `http_<status>`, `request_timeout`, … */
  readonly error: string;
  /** Worth trying again later (5xx, time-outs, rate limits); channel, auth and content errors are not. */
  readonly retryable: boolean;
  /**
   * The call may have taken effect although no answer says so (a time-out, a transport error, a 5xx
   * or one of Slack's internal errors): a post must be looked for before it is made again.
   */
  readonly uncertain: boolean;
  /** Slack asked to wait this long (429 Retry-After). */
  readonly retryAfterMs?: number;
};

/** Channel, auth and content errors that a retry cannot fix. */
const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'msg_too_long',
  'invalid_blocks',
  'invalid_metadata_format',
  'message_not_found',
]);

/** Platform errors that Slack documents as transient; the call may have been carried out. */
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack's answer, or a transport failure, as one value (WebAPI errors of @slack/web-api 7+). */
export function classifySlackError(error: unknown): SlackFailure {
  const e = error as {
    code?: string;
    data?: { error?: string; response_metadata?: { retryAfter?: number } };
    retryAfter?: number;
    statusCode?: number;
    headers?: Record<string, string | undefined>;
    original?: { name?: string; message?: string };
    message?: string;
  };
  switch (e?.code) {
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown';
      if (code === 'ratelimited') return rateLimited(e.data?.response_metadata?.retryAfter);
      if (PERMANENT_ERRORS.has(code)) return { error: code, retryable: false, uncertain: false };
      const transient = TRANSIENT_ERRORS.has(code);
      return { error: code, retryable: transient, uncertain: transient };
    }
    case 'slack_webapi_rate_limited_error':
      return rateLimited(e.retryAfter);
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      if (status === 429) return rateLimited(Number.parseInt(e.headers?.['retry-after'] ?? '', 10));
      const serverSide = status >= 500 || status === 408;
      return { error: `http_${status}`, retryable: serverSide, uncertain: serverSide };
    }
    case 'slack_webapi_request_error': {
      const name = e.original?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      return { error: timedOut ? 'request_timeout' : 'network_error', retryable: true, uncertain: true };
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/rate limit was exceeded|Retry header did not contain/i.test(message)) {
    return rateLimited(Number(/retry-after: (\d+)/i.exec(message)?.[1]));
  }
  if (
    (error as { name?: string })?.name === 'AbortError' ||
    (error as { name?: string })?.name === 'TimeoutError'
  ) {
    return { error: 'request_timeout', retryable: true, uncertain: true };
  }
  // A bug of ours, not Slack's answer: failing shows it (`kigen notices --failed`) instead of looping.
  return { error: `unexpected: ${message.slice(0, 200)}`, retryable: false, uncertain: false };
}

function rateLimited(retryAfterSeconds: number | undefined): SlackFailure {
  return retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds)
    ? { error: 'ratelimited', retryable: true, uncertain: false, retryAfterMs: retryAfterSeconds * 1_000 }
    : { error: 'ratelimited', retryable: true, uncertain: false };
}
