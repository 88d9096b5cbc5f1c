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
