import type { DecisionRepositories } from '../ports/decisions.ts';
import type { DnsResolver } from '../ports/dns.ts';
import type { CommonRepositories, Store } from '../ports/store.ts';
import { lookUpDcv } from '../rules/dcv/lookup-dcv.ts';
import { normaliseCommonName } from '../rules/domain-name.ts';
import { applyCycleCommand } from '../rules/renewal-cycle.ts';

export type ChooseApproverPorts = {
  readonly store: Store<CommonRepositories & DecisionRepositories>;
  /** Live DNS (R-DCV-5): the choice must still be one of the CA's addresses now. */
  readonly dns: DnsResolver;
};

export type ApproverRefusal =
  /** Not a member of the contract's group, or no such contract: the same answer (nothing revealed). */
  | { readonly reason: 'approver.invalid' }
  | { readonly reason: 'approver.not_globalsign' }
  | { readonly reason: 'cycle.not_authorized' }
  | { readonly reason: 'approver.no_open_renewal'; readonly cn: string }
  | { readonly reason: 'cycle.data_deadline_passed'; readonly deadline: Date }
  | { readonly reason: 'cycle.opted_out' }
  | { readonly reason: 'cycle.closed' }
  | { readonly reason: 'approver.not_a_choice'; readonly cn: string };

export type ChooseApproverResult =
  | { readonly ok: true; readonly cn: string; readonly address: string; readonly changed: boolean }
  | ({ readonly ok: false } & ApproverRefusal);

/**
 * R-DCV-GLOBALSIGN: a group admin picks the approver address from `/cert dcv`; it is stored on the
 * renewal application of the open cycle. Everything is checked at click time: membership and role,
 * the cycle's deadlines (the approver is renewal data: R-AUTO-5), and that the address is still one
 * of the live choices; then one transaction stores it with its audit entry (a repeat changes nothing).
 */
export async function chooseApprover(
  ports: ChooseApproverPorts,
  input: {
    readonly contractId: string;
    readonly address: string;
    readonly userId: string;
    readonly now: Date;
  },
): Promise<ChooseApproverResult> {
  const { userId, now } = input;
  const target = await ports.store.decisions.approverTarget(input.contractId, userId);
  if (!target?.role) return { ok: false, reason: 'approver.invalid' };
  const { contract, role, cycle } = target;
  if (contract.ca !== 'globalsign') return { ok: false, reason: 'approver.not_globalsign' };
  if (role !== 'group_admin') return { ok: false, reason: 'cycle.not_authorized' };
  if (!cycle) return { ok: false, reason: 'approver.no_open_renewal', cn: contract.cn };
  // The approver address is renewal data: the domain's rule for renewal data decides who and until when.
  const allowed = applyCycleCommand(
    cycle,
    { type: 'submitRenewalData', actor: { type: 'user', userId, role }, complete: cycle.renewalDataComplete },
    now,
  );
  if (!allowed.ok) {
    switch (allowed.reason) {
      case 'cycle.not_authorized':
        return { ok: false, reason: 'cycle.not_authorized' };
      case 'cycle.data_deadline_passed':
        return { ok: false, reason: allowed.reason, deadline: cycle.dataDeadline ?? cycle.expiresAt };
      case 'cycle.opted_out':
        return { ok: false, reason: 'cycle.opted_out' };
      default:
        return { ok: false, reason: 'cycle.closed' };
    }
  }
  const application = target.application;
  if (!application) return { ok: false, reason: 'approver.no_open_renewal', cn: contract.cn };

  const name = normaliseCommonName(contract.cn);
  if (!name.ok) return { ok: false, reason: 'approver.invalid' };
  const live = await lookUpDcv(ports.dns, { name: name.value, ca: 'globalsign', on: now });
  const chosen = live.choices.find((c) => c.address.toLowerCase() === input.address.toLowerCase());
  if (!chosen) return { ok: false, reason: 'approver.not_a_choice', cn: contract.cn };

  return ports.store.transaction(async (tx): Promise<ChooseApproverResult> => {
    const set = await tx.decisions.setApproverAddress(application.id, cycle.id, chosen.address);
    if (!set) return { ok: false, reason: 'approver.no_open_renewal', cn: contract.cn };
    if (set.changed) {
      await tx.audit.record({
        actor: userId,
        action: 'dcv.approver_chosen',
        at: now,
        contractId: contract.id,
        cycleId: cycle.id,
        before: { approverAddress: set.before },
        after: { approverAddress: chosen.address },
        detail: { applicationId: application.id },
      });
    }
    return { ok: true, cn: contract.cn, address: chosen.address, changed: set.changed };
  });
}
