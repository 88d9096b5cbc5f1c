import type { Database } from '../../db/server/connection.ts';
import { planRenewals } from '../../db/stores/renewal-planning.ts';
import { jst, seedContracts } from './notice-fixtures.ts';

/**
 * BYO contracts spread over `channels` Slack channels, planned: each has its 90-day notice due at the
 * returned instant, and nothing else due then.
 */
export async function renewalPlanning(db: Database, o: { count: number; channels: number }) {
  const seeded = await seedContracts(db, {
    count: o.count,
    category: 'byo',
    notAfter: jst('2027-03-31T12:00:00'),
    channel: (i) => `C0LANE${String(i % o.channels).padStart(4, '0')}`,
  });
  await planRenewals(db, seeded.contractIds, { now: jst('2026-12-01T00:00:00'), actor: 'system:test' });
  // byo_notice of 2027-03-31 is 2026-12-31 09:00 JST (R-NOTICE-2).
  return { ...seeded, dueAt: jst('2026-12-31T09:00:00') };
}
