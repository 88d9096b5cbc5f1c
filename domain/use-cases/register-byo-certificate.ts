import type { DecisionContext, NewCertificate, Refused } from '../ports/decisions.ts';
import type { NoticeSettings } from '../rules/notice-schedule.ts';
import { applyCycleCommand, type RenewalCycle } from '../rules/renewal-cycle.ts';
import {
  type ByoAcceptance,
  type ByoCertificateReason,
  checkByoCertificate,
} from '../rules/renewal-request.ts';
import type { Result } from '../rules/result.ts';
import {
  type CertificateFacts,
  type CertificateParseReason,
  parseCertificateBundle,
} from '../rules/x509/certificate.ts';
import {
  DecidedMeanwhile,
  type DecisionInput,
  type DecisionPorts,
  decidedMeanwhile,
  loadDecision,
  precheck,
  refusalOf,
  refuse,
} from './decision-steps.ts';

export type RegisterByoResult =
  | {
      readonly ok: true;
      readonly cycle: RenewalCycle;
      readonly contract: DecisionContext['contract'];
      readonly certificate: { readonly id: string; readonly notAfter: Date; readonly sansChanged: boolean };
    }
  | Refused;

const ACTION = 'registerRenewedCertificate';

/**
 * R-CHANGE-3: the renewed certificate a BYO customer brings, checked against the contract — its CN,
 * unexpired, newer than the current one (its SANs may differ: said so) — as parsed from its PEM with
 * the chain. Shared by every way a renewed certificate is registered.
 */
export function acceptRenewedCertificate(input: {
  readonly pem: string;
  readonly contractCn: string;
  readonly current: { readonly notAfter: Date; readonly sans: readonly string[] } | null;
  readonly now: Date;
}): Result<
  { readonly leaf: CertificateFacts; readonly chainPem: string | null; readonly acceptance: ByoAcceptance },
  CertificateParseReason | ByoCertificateReason
> {
  const bundle = parseCertificateBundle(input.pem);
  if (!bundle.ok) return bundle;
  const leaf = bundle.value.leaf;
  const accepted = checkByoCertificate({
    contractCn: input.contractCn,
    certificate: {
      subjectCn: leaf.commonName,
      sans: leaf.dnsNames,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
    },
    current: input.current,
    now: input.now,
  });
  if (!accepted.ok) return accepted;
  const chainPem = bundle.value.others.length > 0 ? bundle.value.others.map((c) => c.pem).join('') : null;
  return { ok: true, value: { leaf, chainPem, acceptance: accepted.value } };
}

/** The certificate row of a parsed leaf, registered by `registeredBy` at `now`. */
export const newCertificateOf = (
  contractId: string,
  leaf: CertificateFacts,
  chainPem: string | null,
  registeredBy: string,
  now: Date,
): NewCertificate => ({
  contractId,
  pem: leaf.pem,
  chainPem,
  serial: leaf.serialNumber,
  subject: leaf.subject,
  subjectCn: leaf.commonName,
  sans: leaf.dnsNames,
  issuer: leaf.issuer,
  notBefore: leaf.notBefore,
  notAfter: leaf.notAfter,
  sha256: leaf.fingerprintSha256Hex,
  publicKeySha256: leaf.publicKey.spkiSha256,
  registeredBy,
  registeredAt: now,
});

/**
 * The BYO modal's submit: a group admin registers the renewed certificate (R-CHANGE-3). Guards: a BYO
 * contract, the state machine lets this user register now (also after the old one expired, R-AUTO-4);
 * data: the certificate accepted for the contract; one transaction: the cycle completed, the
 * certificate stored (once: the same certificate again is "already registered"), the next cycle
 * planned from it, the audit entries, and the notice re-rendered with a thread reply. Nothing for the
 * back office: a BYO renewal is the customer's own.
 */
export async function registerByoCertificate(
  ports: DecisionPorts,
  input: DecisionInput & { readonly pem: string; readonly settings?: NoticeSettings | undefined },
): Promise<RegisterByoResult> {
  const { now, userId } = input;
  const loaded = await loadDecision(ports.store, ACTION, input);
  if (!loaded.ok) return loaded;
  const { context, actor } = loaded;
  const refused = (refusal: Parameters<typeof refuse>[2]) =>
    refuse(ports.store, { action: ACTION, input, cycle: context.cycle }, refusal);

  if (context.contract.category !== 'byo') return refused({ reason: 'decision.not_for_proxy' });
  const check = precheck(context, { type: 'registerRenewedCertificate', actor }, now);
  if (!('ok' in check)) return refused(check);
  if (!check.changed) return { ok: false, reason: 'cycle.already_decided', cycle: context.cycle };
  const accepted = acceptRenewedCertificate({
    pem: input.pem,
    contractCn: context.contract.cn,
    current: context.certificate,
    now,
  });
  if (!accepted.ok) {
    const problem = { problem: 'certificate', reason: accepted.reason } as const;
    return { ok: false, reason: 'decision.fields', fields: { certificate: problem } };
  }
  const { leaf, chainPem, acceptance } = accepted.value;

  try {
    return await ports.store.transaction(async (tx): Promise<RegisterByoResult> => {
      const cycle = await tx.cycles.find(context.cycle.id, { lock: true });
      if (!cycle) return { ok: false, reason: 'decision.contract_gone' };
      const moved = applyCycleCommand(cycle, { type: 'registerRenewedCertificate', actor }, now);
      if (!moved.ok) {
        return refuse(
          tx,
          { action: ACTION, input, cycle },
          refusalOf(moved.reason, moved.params, context, cycle),
        );
      }
      if (!moved.value.changed) return { ok: false, reason: 'cycle.already_decided', cycle };
      await tx.cycles.save(cycle.version, moved.value);
      const stored = await tx.decisions.insertCertificate(
        newCertificateOf(context.contract.id, leaf, chainPem, userId, now),
      );
      if (!stored) throw new DecidedMeanwhile();
      await tx.audit.record({
        actor,
        action: 'certificate.registered',
        at: now,
        contractId: context.contract.id,
        cycleId: cycle.id,
        after: {
          certificateId: stored.id,
          sha256: leaf.fingerprintSha256Hex,
          notAfter: leaf.notAfter.toISOString(),
        },
      });
      await tx.planning.planRenewals([context.contract.id], {
        now,
        actor: userId,
        ...(input.settings ? { settings: input.settings } : {}),
      });
      await tx.audit.record({
        actor,
        action: `decision.${ACTION}`,
        at: now,
        contractId: context.contract.id,
        cycleId: cycle.id,
        detail: { sha256: leaf.fingerprintSha256Hex, sansChanged: acceptance.sansChanged },
      });
      await tx.messages.enqueue({
        kind: 'notice_refresh',
        cycleId: cycle.id,
        reply: {
          kind: 'byo_registered',
          by: userId,
          at: now.toISOString(),
          notAfter: leaf.notAfter.toISOString(),
          sansChanged: acceptance.sansChanged,
        },
      });
      return {
        ok: true,
        cycle: moved.value.cycle,
        contract: context.contract,
        certificate: { id: stored.id, notAfter: leaf.notAfter, sansChanged: acceptance.sansChanged },
      };
    });
  } catch (error) {
    if (error instanceof DecidedMeanwhile) return decidedMeanwhile(ports.store, context.cycle.id);
    throw error;
  }
}
