import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../bot/app/metrics.ts';
import { createHandoverDelivery } from '../../../bot/app/ops-handover.ts';
import type { Database } from '../../../db/server/connection.ts';
import type { HandoverEvent } from '../../../db/stores/handover-outbox.ts';

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

const event = {
  id: '00000000-0000-0000-0000-0000000000e1',
  seq: 1,
  kind: 'opt_out',
  occurredAt: new Date('2026-11-25T01:00:00Z'),
  actor: 'U0ADMIN01',
  contract: {
    id: '00000000-0000-0000-0000-0000000000c1',
    cn: 'www.example.jp',
    category: 'proxy',
    ca: 'digicert',
    productId: 'digicert.secure_server_id',
    periodMonths: 12,
    csrMethod: 'customer',
    wwwOption: false,
    linkedServices: [],
    slackChannelId: 'C0CHANNEL1',
    serviceGroup: 'Web team',
    locale: 'ja',
  },
  cycle: null,
  application: null,
  certificate: null,
} as unknown as HandoverEvent;

describe('webhook delivery metrics', () => {
  it('counts every webhook attempt by outcome in kigen_webhook_deliveries_total', async () => {
    const metrics = createMetrics();
    const delivery = createHandoverDelivery({
      db: undefined as unknown as Database, // the webhook channel never reads the database
      locale: 'ja',
      webhook: { url, secret: 'webhook-secret-0123456789' },
      metrics,
    });
    const signal = new AbortController().signal;
    expect((await delivery.deliver('webhook', event, signal)).ok).toBe(false);
    expect((await delivery.deliver('webhook', event, signal)).ok).toBe(true);
    const text = await metrics.render();
    expect(text).toMatch(/kigen_webhook_deliveries_total\{outcome="failed"\} 1/);
    expect(text).toMatch(/kigen_webhook_deliveries_total\{outcome="delivered"\} 1/);
  });
});
