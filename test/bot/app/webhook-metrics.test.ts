import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/app/config.ts';
import { createMetrics } from '../../../bot/app/metrics.ts';
import { createOutbox } from '../../../bot/app/outbox.ts';
import { listHandoverDeliveries } from '../../../db/stores/handover-outbox.ts';
import { seedContracts } from '../../scheduler/notice-fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const NOW = new Date('2026-11-25T01:00:00Z');
const HOUR = 60 * 60_000;
const database = useTestDatabase();

// The receiver answers 500 to the first POST and 204 afterwards.
let posts = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    posts++;
    res.statusCode = posts === 1 ? 500 : 204;
    res.end();
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await new Promise<void>((r) => receiver.close(() => r()));
});

describe('webhook delivery metrics', () => {
  it('counts every webhook attempt of the outbox by outcome in kigen_webhook_deliveries_total', async () => {
    const db = database.current.db;
    const { contractIds } = await seedContracts(db, {
      count: 1,
      category: 'proxy',
      notAfter: new Date(NOW.getTime() + 40 * 24 * HOUR),
    });
    const loaded = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
      // Nothing listens there: this deployment has nothing for Slack to do.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      KIGEN_WEBHOOK_URL: url,
      KIGEN_WEBHOOK_SECRET: 'webhook-secret-0123456789',
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const metrics = createMetrics();
    const outbox = createOutbox({
      config: loaded.value,
      db,
      logger: pino({ level: 'silent' }),
      metrics,
      worker: { random: () => 0.5 },
    });
    if (!outbox.worker) throw new Error('deliver mode has a worker');

    // An opt-out, handed over to the channels of this deployment: the webhook only.
    await outbox.store.handover.enqueue({
      kind: 'opt_out',
      contractId: contractIds[0] ?? '',
      cycleId: null,
      applicationId: null,
      actor: 'U0ADMIN01',
      occurredAt: NOW,
    });
    expect((await listHandoverDeliveries(db)).map((d) => d.channel)).toEqual(['webhook']);

    expect(await outbox.worker.runUntilIdle(NOW)).toMatchObject({ claimed: 1, retried: 1 });
    let text = await metrics.render();
    expect(text).toMatch(/kigen_webhook_deliveries_total\{outcome="retry"\} 1/);
    expect(text).not.toMatch(/kigen_webhook_deliveries_total\{outcome="delivered"\}/);

    expect(await outbox.worker.runUntilIdle(new Date(NOW.getTime() + HOUR))).toMatchObject({
      claimed: 1,
      done: 1,
    });
    text = await metrics.render();
    expect(text).toMatch(/kigen_webhook_deliveries_total\{outcome="retry"\} 1/);
    expect(text).toMatch(/kigen_webhook_deliveries_total\{outcome="delivered"\} 1/);
    expect(posts).toBe(2);
    expect((await listHandoverDeliveries(db)).map((d) => d.status)).toEqual(['delivered']);
  });
});
