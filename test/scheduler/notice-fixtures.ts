import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import type { Database } from '../../db/server/connection.ts';
import type {
  DeliveryResult,
  NoticeBoard,
  NoticeToDeliver,
  PostedMessage,
} from '../../domain/ports/notices.ts';
import type { MessageLookup } from '../../domain/ports/read-models.ts';

export type SeedOptions = {
  readonly count: number;
  readonly category: 'proxy' | 'byo';
  readonly notAfter: Date;
  readonly contractPeriodEnd?: Date;
  readonly channel?: (i: number) => string;
  readonly locale?: 'ja' | 'en' | null;
  readonly productId?: string;
  readonly ca?: string;
  readonly periodMonths?: number;
  readonly csrMethod?: 'customer' | 'provider';
  /** A previous 'new' application per contract (needed for auto-renewal). */
  readonly application?: boolean;
};

/** Bulk test data: one service group (two admins, one service admin) and `count` contracts with one certificate each. */
export async function seedContracts(
  db: Database,
  o: SeedOptions,
): Promise<{ contractIds: string[]; groupId: string }> {
  const tag = randomBytes(4).toString('hex');
  const [group] = (await db.execute(sql`
    insert into service_groups (name, locale) values (${`group-${tag}`}, ${o.locale ?? null}) returning id
  `)) as unknown as { id: string }[];
  const groupId = (group as { id: string }).id;
  await db.execute(sql`
    insert into members (service_group_id, slack_user_id, role) values
      (${groupId}, 'U0ADMIN01', 'group_admin'), (${groupId}, 'U0ADMIN02', 'group_admin'),
      (${groupId}, 'U0SERVICE1', 'service_admin')
  `);
  const rows = Array.from({ length: o.count }, (_, i) => ({
    cn: `host${i}-${tag}.example.jp`,
    channel: o.channel?.(i) ?? 'C0TEST0001',
  }));
  const proxy = o.category === 'proxy';
  const contracts = (await db.execute(sql`
    insert into contracts (service_group_id, cn, category, ca, product_id, period_months, csr_method, slack_channel_id)
    select ${groupId}, x.cn, ${o.category}, ${proxy ? (o.ca ?? 'digicert') : null},
           ${proxy ? (o.productId ?? 'digicert.secure_server_id') : null},
           ${proxy ? (o.periodMonths ?? 12) : null}::int, ${proxy ? (o.csrMethod ?? 'customer') : null}, x.channel
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(cn text, channel text)
    returning id, cn
  `)) as unknown as { id: string; cn: string }[];
  await db.execute(sql`
    insert into certificates (contract_id, pem, serial, subject, subject_cn, issuer, not_before, not_after,
                              contract_period_end, sha256, public_key_sha256, registered_by)
    select c.id, 'PEM', '01', 'CN=' || c.cn, c.cn, 'CN=Test CA', ${new Date(o.notAfter.getTime() - 199 * 86_400_000).toISOString()}::timestamptz,
           ${o.notAfter.toISOString()}::timestamptz, ${o.contractPeriodEnd?.toISOString() ?? null}::timestamptz,
           md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text), 'test'
      from contracts c where c.service_group_id = ${groupId}
  `);
  if (o.application) {
    await db.execute(sql`
      insert into applications (contract_id, kind, dn_c, dn_st, dn_l, dn_o, dn_ou, dn_cn, applicant, period_months,
                                csr_method, requested_by, requested_at)
      select c.id, 'new', 'JP', 'Tokyo', 'Chiyoda-ku', 'Sample K.K.', 'Web', c.cn,
             '{"name":"山田 太郎","email":"yamada@example.jp"}'::jsonb, ${o.periodMonths ?? 12}::int,
             ${o.csrMethod ?? 'customer'}, 'U0ADMIN01', '2025-01-10T01:00:00Z'
        from contracts c where c.service_group_id = ${groupId}
    `);
  }
  return { contractIds: contracts.map((c) => c.id), groupId };
}

export type Behaviour = (notice: NoticeToDeliver, call: number) => DeliveryResult | 'hang' | undefined;

/**
 * A NoticeBoard that records calls, posts to memory, and can fail, rate-limit or hang (a hanging
 * post ends only when its signal aborts, as a real request would). `lookup` overrides what
 * findPosted answers (by default: what it posted, else absent).
 */
export class FakeNoticeBoard implements NoticeBoard {
  readonly calls: NoticeToDeliver[] = [];
  readonly posted = new Map<string, PostedMessage>();
  readonly postCounts = new Map<string, number>();
  findPostedCalls = 0;
  lookup: ((notice: NoticeToDeliver) => MessageLookup | undefined) | undefined;
  private seq = 0;
  constructor(public behaviour: Behaviour = () => undefined) {}

  async deliver(notice: NoticeToDeliver, _now: Date, signal?: AbortSignal): Promise<DeliveryResult> {
    const call = this.calls.length;
    this.calls.push(notice);
    // A real post takes a little while: lets racing workers interleave.
    await new Promise((resolve) => setImmediate(resolve));
    const outcome = this.behaviour(notice, call);
    if (outcome === 'hang') {
      return new Promise<DeliveryResult>((resolve) => {
        const aborted = () => resolve({ ok: false, retryable: true, uncertain: true, error: 'timeout' });
        if (signal?.aborted) aborted();
        else signal?.addEventListener('abort', aborted, { once: true });
      });
    }
    if (outcome) return outcome;
    const message = {
      channel: notice.thread?.channel ?? notice.contract.slackChannelId,
      ts: `${1_800_000_000 + ++this.seq}.000100`,
    };
    this.posted.set(notice.notice.id, message);
    this.postCounts.set(notice.notice.id, (this.postCounts.get(notice.notice.id) ?? 0) + 1);
    return { ok: true, message, threadTs: notice.thread?.ts ?? null };
  }

  async findPosted(notice: NoticeToDeliver): Promise<MessageLookup> {
    this.findPostedCalls++;
    const override = this.lookup?.(notice);
    if (override) return override;
    const message = this.posted.get(notice.notice.id);
    return message ? { kind: 'found', message } : { kind: 'absent' };
  }
}

/** A pino logger whose lines are kept for assertions. */
export function captureLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Tokyo wall time to an instant. */
export const jst = (local: string): Date => new Date(`${local}+09:00`);
