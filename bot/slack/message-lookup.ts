import type { WebClient } from '@slack/web-api';
import type { MessageLookup } from '../../domain/ports/read-models.ts';
import { classifySlackError } from './api-errors.ts';

/**
 * Slack limits `conversations.history` and `conversations.replies` for apps distributed outside the
 * Marketplace to about one request per minute and 15 messages: a look-up reads a narrow window, at
 * most 15 messages a page, and a page that cannot be read (429, an error) is never taken as "absent".
 */
export const LOOKUP_PAGE_LIMIT = 15;
const MAX_PAGES = 10;
/** Clock skew between Kigen and Slack, on both sides of the window. */
const SKEW_MS = 5_000;

export type LookupRequest = {
  readonly channel: string;
  /** Look among the replies of this thread; else in the channel's history. */
  readonly threadTs?: string | null;
  /** Our message metadata: its event type and what its payload must carry. */
  readonly eventType: string;
  readonly matches: (payload: Record<string, unknown>) => boolean;
  /** Only messages written between these instants can be the one looked for. */
  readonly since: Date;
  readonly until: Date;
};

/** A message Kigen wrote, found by its metadata in a bounded window (R-NOTICE-4: exactly once). */
export async function findMessageByMetadata(
  client: WebClient,
  request: LookupRequest,
): Promise<MessageLookup> {
  const oldest = slackTs(new Date(request.since.getTime() - SKEW_MS));
  const latest = slackTs(new Date(request.until.getTime() + SKEW_MS));
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const window = {
        oldest,
        latest,
        inclusive: true,
        include_all_metadata: true,
        limit: LOOKUP_PAGE_LIMIT,
      };
      const answer = request.threadTs
        ? await client.conversations.replies({
            channel: request.channel,
            ts: request.threadTs,
            ...window,
            ...(cursor ? { cursor } : {}),
          })
        : await client.conversations.history({
            channel: request.channel,
            ...window,
            ...(cursor ? { cursor } : {}),
          });
      const found = (answer.messages ?? []).find(
        (m) => m.ts !== undefined && isOurs(m.metadata, request.eventType, request.matches),
      );
      if (found?.ts) return { kind: 'found', message: { channel: request.channel, ts: found.ts } };
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) return { kind: 'absent' };
    }
    return { kind: 'unknown', error: 'lookup_window_too_busy' };
  } catch (error) {
    const failure = classifySlackError(error);
    // The thread's parent is gone: nothing of ours can be in it.
    if (failure.error === 'thread_not_found' || failure.error === 'message_not_found')
      return { kind: 'absent' };
    return failure.retryAfterMs !== undefined
      ? { kind: 'unknown', error: failure.error, retryAfterMs: failure.retryAfterMs }
      : { kind: 'unknown', error: failure.error };
  }
}

function isOurs(
  metadata: { event_type?: string; event_payload?: unknown } | undefined,
  eventType: string,
  matches: (payload: Record<string, unknown>) => boolean,
): boolean {
  if (metadata?.event_type !== eventType) return false;
  const payload = metadata.event_payload;
  return typeof payload === 'object' && payload !== null && matches(payload as Record<string, unknown>);
}

/** A Slack timestamp ('1767225600.000000') for an instant. */
export function slackTs(at: Date): string {
  return (Math.max(0, at.getTime()) / 1_000).toFixed(6);
}
