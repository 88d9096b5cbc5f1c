import type { WebClient } from '@slack/web-api';

/** Who the provider's staff are: KIGEN_OPS_USERS, and the members of KIGEN_OPS_CHANNEL. */
export type OpsStaff = {
  /** Never throws: when the channel's members cannot be read, only KIGEN_OPS_USERS count. */
  isStaff(client: WebClient, userId: string): Promise<boolean>;
};

export type OpsStaffOptions = {
  readonly channel: string | undefined;
  readonly users: readonly string[];
  /** How long a channel's member list is trusted (membership changes rarely). */
  readonly cacheMs?: number;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
};

const MAX_PAGES = 50;

export function createOpsStaff(options: OpsStaffOptions): OpsStaff {
  const users = new Set(options.users);
  const cacheMs = options.cacheMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let cached: { members: Set<string>; at: number } | null = null;
  let loading: Promise<Set<string> | null> | null = null;

  const members = async (client: WebClient, channel: string): Promise<Set<string> | null> => {
    if (cached && now() - cached.at < cacheMs) return cached.members;
    loading ??= (async () => {
      try {
        const found = new Set<string>();
        let cursor: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const answer = await client.conversations.members({
            channel,
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          });
          for (const m of answer.members ?? []) found.add(m);
          cursor = answer.response_metadata?.next_cursor || undefined;
          if (!cursor) break;
        }
        cached = { members: found, at: now() };
        return found;
      } catch (error) {
        options.onError?.(error);
        // A stale list is better than none while Slack does not answer.
        return cached?.members ?? null;
      } finally {
        loading = null;
      }
    })();
    return loading;
  };

  return {
    async isStaff(client, userId) {
      if (users.has(userId)) return true;
      if (!options.channel) return false;
      return (await members(client, options.channel))?.has(userId) ?? false;
    },
  };
}
