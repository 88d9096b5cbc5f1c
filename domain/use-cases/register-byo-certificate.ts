import type { DecisionContext, Refused } from '../ports/decisions.ts';
import { type RolledBack, rollBack } from '../ports/store.ts';
import type { NoticeSettings } from '../rules/notice-schedule.ts';
import type { RenewalCycle } from '../rules/renewal-cycle.ts';
import {
  afterLostRace,
  type DecisionInput,
  type DecisionPorts,
  LOST_RACE,
  type LostRace,
  loadDecision,
  moveLockedCycle,
  precheck,
  refuse,
} from './decision-steps.ts';
import {
  acceptRenewedCertificate,
  newCertificateOf,
  storeRenewedCertificate,
} from './renewed-certificate.ts';

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
    contract: { cn: context.contract.cn, current: context.certificate },
    now,
  });
  if (!accepted.ok) {
    const problem = { problem: 'certificate', reason: accepted.reason } as const;
    return { ok: false, reason: 'decision.fields', fields: { certificate: problem } };
  }
  const { leaf, chainPem, acceptance } = accepted.value;

  const outcome = await ports.store.transaction(
    async (tx): Promise<RegisterByoResult | LostRace | RolledBack<LostRace>> => {
      const step = await moveLockedCycle(tx, { action: ACTION, input, context }, { type: ACTION, actor });
      if (!step.ok) return step;
      const { before: cycle, moved } = step;
      if (!moved.changed) return { ok: false, reason: 'cycle.already_decided', cycle };
      await tx.cycles.save(cycle.version, moved);
      const stored = await storeRenewedCertificate(tx, {
        cycleId: cycle.id,
        certificate: newCertificateOf(leaf, {
          contractId: context.contract.id,
          chainPem,
          registeredBy: userId,
          now,
        }),
        now,
        settings: input.settings,
      });
      // The same certificate, registered a moment ago by someone else.
      if (!stored) return rollBack(LOST_RACE);
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
        cycle: moved.cycle,
        contract: context.contract,
        certificate: { id: stored.id, notAfter: leaf.notAfter, sansChanged: acceptance.sansChanged },
      };
    },
  );
  return afterLostRace(ports.store, context.cycle.id, outcome);
}
