import { type Actor, applyCycleCommand, type CycleCommand, type RenewalCycle } from './renewal-cycle.ts';

/** A decision a notice can offer (one button each). */
export type AvailableDecision =
  | 'requestRenewal'
  | 'changePeriod'
  | 'optOut'
  | 'undoOptOut'
  | 'registerRenewedCertificate';

// The buttons are offered to the channel; who clicks is checked when they click (R-NOTICE-3).
const GROUP_ADMIN: Actor = { type: 'user', userId: '', role: 'group_admin' };

/**
 * Which decisions a cycle's notice offers at `now`: exactly those the state machine would take from
 * a group admin now (`applyCycleCommand` accepts them and they change the cycle), so a button is never
 * shown that its click would refuse.
 *
 * - R-AUTO-5: a proxy cycle offers Renew, Change period and Opt out while it is open and before its
 *   decision deadline; nothing once decided (R-NOTICE-5) or closed.
 * - R-AUTO-1: an opted-out cycle offers only Undo, until the decision deadline (the expiry for BYO).
 * - R-CHANGE-3, R-AUTO-4: a BYO cycle offers Register renewed certificate (also once the old one
 *   expired: the contract stays) and, while open before the expiry, Opt out.
 */
export function availableDecisions(cycle: RenewalCycle, now: Date): AvailableDecision[] {
  const accepts = (command: CycleCommand): boolean => {
    const result = applyCycleCommand(cycle, command, now);
    return result.ok && result.value.changed;
  };
  if (cycle.state === 'opted_out') {
    return accepts({ type: 'undoOptOut', actor: GROUP_ADMIN }) ? ['undoOptOut'] : [];
  }
  const optOut = accepts({ type: 'optOut', actor: GROUP_ADMIN });
  if (cycle.category === 'byo') {
    return [
      ...(accepts({ type: 'registerRenewedCertificate', actor: GROUP_ADMIN })
        ? (['registerRenewedCertificate'] as const)
        : []),
      ...(optOut ? (['optOut'] as const) : []),
    ];
  }
  // R-CHANGE-1: the period is changed from the notice while the renewal is still to be decided.
  if (!accepts({ type: 'requestRenewal', actor: GROUP_ADMIN })) return [];
  return ['requestRenewal', 'changePeriod', ...(optOut ? (['optOut'] as const) : [])];
}
