/**
 * A contract's current certificate is the one that reaches furthest: the end of the contract period it
 * serves (R-CABF-2: a capped certificate serves a longer period), then its own expiry. Every place that
 * asks for "the current certificate" orders by this (the database by `currentCertificateOrder`).
 */
export type CertificateReach = { readonly notAfter: Date; readonly contractPeriodEnd: Date | null };

export const reachOf = (c: CertificateReach): number => (c.contractPeriodEnd ?? c.notAfter).getTime();

/** Compare function: the current certificate first. */
export const byReachDescending = (a: CertificateReach, b: CertificateReach): number =>
  reachOf(b) - reachOf(a) || b.notAfter.getTime() - a.notAfter.getTime();

export const currentCertificate = <C extends CertificateReach>(certificates: readonly C[]): C | null =>
  [...certificates].sort(byReachDescending)[0] ?? null;
