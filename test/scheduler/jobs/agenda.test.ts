import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { planRenewals } from '../../../db/stores/renewal-planning.ts';
import { DEFAULT_NOTICE_SETTINGS } from '../../../domain/index.ts';
import { noticeStatusCounts } from '../../../scheduler/dispatch-notices.ts';
import { startScheduler } from '../../../scheduler/jobs/agenda.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { captureLogger, FakeDelivery, jst, seedContracts } from '../notice-fixtures.ts';

const database = useTestDatabase();

describe('scheduler on Agenda', () => {
  it('reconciles at start-up (plans a contract that had no cycle), dispatches on its recurring job, and drains on stop', async () => {
    const db = database.current.db;
    const { contractIds } = await seedContracts(db, {
      count: 2,
      category: 'byo',
      notAfter: jst('2027-03-31T12:00:00'),
    });
    // One contract planned, the other left as if the bot had been down when its certificate came.
    await planRenewals(db, contractIds.slice(0, 1), {
      now: jst('2026-12-01T00:00:00'),
      actor: 'system:test',
    });
    const delivery = new FakeDelivery();
    const scheduler = await startScheduler({
      databaseUrl: database.current.url,
      db,
      delivery,
      mode: 'deliver',
      logger: captureLogger().logger,
      masterKey: undefined,
      defaultLocale: 'ja',
      noticeSettings: DEFAULT_NOTICE_SETTINGS,
      dispatchEvery: 200,
      processEvery: 100,
      clock: () => jst('2027-01-01T09:00:00'),
    });
    try {
      const until = Date.now() + 8_000;
      while (Date.now() < until && (await noticeStatusCounts(db)).sent !== 2) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await scheduler.stop(5_000);
    }
    expect(await noticeStatusCounts(db)).toEqual({ sent: 2, pending: 2 });
    expect(delivery.calls).toHaveLength(2);
    const [jobs] = (await db.execute(
      sql`select count(*)::int as n from agenda_jobs where name like 'kigen:%'`,
    )) as unknown as { n: number }[];
    expect(jobs?.n).toBe(2);
  });
});
