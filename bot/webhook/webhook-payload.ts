import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HandoverEvent } from '../../db/stores/handover-outbox.ts';
import { findProduct } from '../../domain/index.ts';

/**
 * The JSON body of the hand-over webhook, version 1. Stable: fields are only ever added. Documented in
 * the README ("Hand-over webhook"); instants are ISO 8601 in UTC. Never a private key.
 */
export type WebhookBody = {
  readonly schema: 'kigen.handover.v1';
  readonly id: string;
  readonly kind: HandoverEvent['kind'];
  readonly occurredAt: string;
  readonly actor: string | null;
  readonly contract: {
    readonly id: string;
    readonly cn: string;
    readonly category: string;
    readonly ca: string | null;
    readonly product: {
      readonly id: string;
      readonly nameJa: string | null;
      readonly nameEn: string | null;
    } | null;
    readonly periodMonths: number | null;
    readonly csrMethod: string | null;
    readonly wwwOption: boolean;
    readonly linkedServices: readonly string[];
    readonly serviceGroup: string;
    readonly slackChannelId: string;
  };
  readonly application: {
    readonly id: string;
    readonly kind: string;
    readonly dn: { c: string; st: string; l: string; o: string; ou: string | null; cn: string };
    readonly applicant: Record<string, unknown>;
    readonly periodMonths: number;
    readonly csrMethod: string;
    readonly csrPem: string | null;
    readonly keyGeneratedByProvider: boolean;
    readonly wwwOption: boolean;
    readonly approverAddress: string | null;
    readonly requestedBy: string;
    readonly requestedAt: string;
  } | null;
  readonly cycle: {
    readonly id: string;
    readonly state: string;
    readonly expiresAt: string;
    readonly decisionDeadline: string | null;
    readonly dataDeadline: string | null;
    readonly chosenPeriodMonths: number | null;
    readonly decision: string | null;
    readonly decidedBy: string | null;
    readonly decidedAt: string | null;
  } | null;
  readonly certificate: {
    readonly serial: string;
    readonly sha256: string;
    readonly issuer: string;
    readonly notBefore: string;
    readonly notAfter: string;
  } | null;
};

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function webhookBody(event: HandoverEvent): WebhookBody {
  const c = event.contract;
  const product = c.productId ? findProduct(c.productId) : null;
  const a = event.application;
  const r = event.cycle;
  const k = event.certificate;
  return {
    schema: 'kigen.handover.v1',
    id: event.id,
    kind: event.kind,
    occurredAt: event.occurredAt.toISOString(),
    actor: event.actor,
    contract: {
      id: c.id,
      cn: c.cn,
      category: c.category,
      ca: c.ca,
      product: c.productId
        ? {
            id: c.productId,
            nameJa: product?.ok ? product.value.nameJa : null,
            nameEn: product?.ok ? product.value.nameEn : null,
          }
        : null,
      periodMonths: c.periodMonths,
      csrMethod: c.csrMethod,
      wwwOption: c.wwwOption,
      linkedServices: c.linkedServices,
      serviceGroup: c.serviceGroup,
      slackChannelId: c.slackChannelId,
    },
    application: a
      ? {
          id: a.id,
          kind: a.kind,
          dn: a.dn,
          applicant: { ...a.applicant },
          periodMonths: a.periodMonths,
          csrMethod: a.csrMethod,
          csrPem: a.csrPem,
          keyGeneratedByProvider: a.keyGeneratedByProvider,
          wwwOption: a.wwwOption,
          approverAddress: a.approverAddress,
          requestedBy: a.requestedBy,
          requestedAt: a.requestedAt.toISOString(),
        }
      : null,
    cycle: r
      ? {
          id: r.id,
          state: r.state,
          expiresAt: r.expiresAt.toISOString(),
          decisionDeadline: iso(r.decisionDeadline),
          dataDeadline: iso(r.dataDeadline),
          chosenPeriodMonths: r.chosenPeriodMonths,
          decision: r.decision,
          decidedBy: r.decidedBy,
          decidedAt: iso(r.decidedAt),
        }
      : null,
    certificate: k
      ? {
          serial: k.serial,
          sha256: k.sha256,
          issuer: k.issuer,
          notBefore: k.notBefore.toISOString(),
          notAfter: k.notAfter.toISOString(),
        }
      : null,
  };
}

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` with KIGEN_WEBHOOK_SECRET. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (and the tests do): recompute the signature over the raw body, compare in
 * constant time, and refuse timestamps older than the tolerance (replays).
 */
export function verifyWebhookSignature(input: {
  readonly secret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly body: string;
  readonly nowSeconds?: number;
  readonly toleranceSeconds?: number;
}): boolean {
  const ts = Number(input.timestamp);
  if (!Number.isInteger(ts) || !input.signature) return false;
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(webhookSignature(input.secret, ts, input.body));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
