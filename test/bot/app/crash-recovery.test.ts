import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/app/config.ts';
import { createOutbox } from '../../../bot/app/outbox.ts';
import { connect } from '../../../db/server/connection.ts';
import type {
  DeliveryResult,
  NoticeBoard,
  NoticeToDeliver,
  PostedMessage,
} from '../../../domain/ports/notices.ts';
import type { MessageLookup } from '../../../domain/ports/read-models.ts';
import { DEFAULT_LEASE_MS } from '../../../scheduler/outbox-worker.ts';
import { captureLogger } from '../../scheduler/notice-fixtures.ts';
import { renewalPlanning } from '../../scheduler/outbox-fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const database = useTestDatabase();

/**
 * One Slack channel, shared by every replica's board: what was posted stays posted, whoever posted it.
 * A replica "killed -9" mid-delivery has posted, and never hears back (its post never returns).
 */
class SlackChannel {
  readonly messages = new Map<string, PostedMessage>();
  posts = 0;
  lookups = 0;
  private seq = 0;
  private hung: (() => void)[] = [];

  board(options: { dieAfterPosting: boolean }): NoticeBoard {
    return {
      deliver: async (notice: NoticeToDeliver): Promise<DeliveryResult> => {
        this.posts++;
        const message = { channel: notice.contract.slackChannelId, ts: `1800000000.${++this.seq}` };
        this.messages.set(notice.notice.id, message);
        const result: DeliveryResult = { ok: true, message, threadTs: null };
        if (!options.dieAfterPosting) return result;
        // Killed: no answer, no abort honoured, nothing recorded (until the test lets the corpse go).
        return new Promise((resolve) => this.hung.push(() => resolve(result)));
      },
      findPosted: async (notice: NoticeToDeliver): Promise<MessageLookup> => {
        this.lookups++;
        const message = this.messages.get(notice.notice.id);
        return message ? { kind: 'found', message } : { kind: 'absent' };
      },
    };
  }

  /** The dead replica's late answer, as a process paused (not killed) would give it. */
  resumeTheDead() {
    for (const resume of this.hung.splice(0)) resume();
  }
}

const socketConfig = () => {
  const loaded = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-crash-test', SLACK_APP_TOKEN: 'xapp-crash-test' });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return loaded.value;
};

const noticeStatus = async () => {
  const rows = (await database.current.db.execute(
    sql`select status from notices where kind = 'byo_notice'`,
  )) as unknown as { status: string }[];
  return rows.map((r) => r.status);
};

describe('after a crash (kill -9) mid-delivery', () => {
  it(`R-NOTICE-4: another replica delivers within the lane lease (${DEFAULT_LEASE_MS / 1000} s), once: it finds the post the dead one made`, async () => {
    const { dueAt } = await renewalPlanning(database.current.db, { count: 1, channels: 1 });
    const slack = new SlackChannel();
    const config = socketConfig();
    const at = (ms: number) => new Date(dueAt.getTime() + ms);

    // Replica A, on a pool of its own, claims the notice, posts it and dies before recording it.
    const poolA = connect(database.current.url, { max: 2 });
    try {
      const a = createOutbox({
        config,
        db: poolA.db,
        logger: captureLogger().logger,
        noticeBoard: slack.board({ dieAfterPosting: true }),
        // Its attempt never times out: the process is gone, nothing of it runs any more.
        worker: { attemptTimeoutMs: 3_600_000, paceMs: () => 0 },
      }).worker;
      const dying = a?.runUntilIdle(dueAt);
      while (slack.posts === 0) await new Promise((r) => setTimeout(r, 10));
      expect(await noticeStatus()).toEqual(['sending']);

      // Replica B: nothing to take while A's lease lasts (A might still be alive, merely slow).
      const b = createOutbox({
        config,
        db: database.current.db,
        logger: captureLogger().logger,
        noticeBoard: slack.board({ dieAfterPosting: false }),
        worker: { paceMs: () => 0 },
      }).worker;
      expect(b).not.toBeNull();
      expect((await b?.runUntilIdle(at(DEFAULT_LEASE_MS - 1_000)))?.claimed).toBe(0);

      // Once the lease has run out, B takes the notice over, finds A's post and records it: no second post.
      const after = await b?.runUntilIdle(at(DEFAULT_LEASE_MS + 1_000));
      expect(after).toMatchObject({ claimed: 1, done: 1, lost: 0 });
      expect(slack.posts).toBe(1);
      expect(slack.lookups).toBe(1);
      expect(await noticeStatus()).toEqual(['sent']);

      // Were A only paused, its late answer would change nothing: the claim is not its own any more.
      slack.resumeTheDead();
      expect(await dying).toMatchObject({ claimed: 1, done: 0, lost: 1 });
      expect(await noticeStatus()).toEqual(['sent']);
    } finally {
      slack.resumeTheDead();
      await poolA.close();
    }
  });
});
