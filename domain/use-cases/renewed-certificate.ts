import type { CommonRepositories, NewCertificate } from '../ports/store.ts';
import type { NoticeSettings } from '../rules/notice-schedule.ts';
import {
  type ByoAcceptance,
  type ByoCertificateReason,
  checkByoCertificate,
} from '../rules/renewal-request.ts';
import type { Result } from '../rules/result.ts';
import {
  type CertificateBundle,
  type CertificateFacts,
  type CertificateParseReason,
  parseCertificateBundle,
} from '../rules/x509/certificate.ts';

/**
 * The steps every registration of a renewed certificate shares: a BYO customer's
 * (register-byo-certificate.ts) and the one the CA issued, registered by the staff or the CLI
 * (register-issued-certificate.ts). Each caller moves its cycle itself; the rest is here.
 */

type Current = { readonly notAfter: Date; readonly sans: readonly string[] } | null;

/** R-CHANGE-3: the leaf names the contract's CN, is unexpired and outlasts the current certificate. */
export const checkRenewedLeaf = (
  leaf: CertificateFacts,
  contract: { readonly cn: string; readonly current: Current },
  now: Date,
): Result<ByoAcceptance, ByoCertificateReason> =>
  checkByoCertificate({
    contractCn: contract.cn,
    certificate: {
      subjectCn: leaf.commonName,
      sans: leaf.dnsNames,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
    },
    current: contract.current,
    now,
  });

/** What was pasted beside the leaf, in chain order; null for a leaf alone. */
export const chainPemOf = (bundle: CertificateBundle): string | null =>
  bundle.others.length > 0 ? bundle.others.map((c) => c.pem).join('') : null;

/** The pasted PEM parsed (R-CHANGE-3 checked on its leaf). */
export function acceptRenewedCertificate(input: {
  readonly pem: string;
  readonly contract: { readonly cn: string; readonly current: Current };
  readonly now: Date;
}): Result<
  { readonly leaf: CertificateFacts; readonly chainPem: string | null; readonly acceptance: ByoAcceptance },
  CertificateParseReason | ByoCertificateReason
> {
  const bundle = parseCertificateBundle(input.pem);
  if (!bundle.ok) return bundle;
  const accepted = checkRenewedLeaf(bundle.value.leaf, input.contract, input.now);
  if (!accepted.ok) return accepted;
  return {
    ok: true,
    value: { leaf: bundle.value.leaf, chainPem: chainPemOf(bundle.value), acceptance: accepted.value },
  };
}

/** The certificate row of a parsed leaf. */
export const newCertificateOf = (
  leaf: CertificateFacts,
  row: {
    readonly contractId: string;
    readonly chainPem: string | null;
    readonly applicationId?: string | null;
    readonly contractPeriodEnd?: Date | null;
    readonly registeredBy: string;
    readonly now: Date;
  },
): NewCertificate => ({
  contractId: row.contractId,
  applicationId: row.applicationId ?? null,
  pem: leaf.pem,
  chainPem: row.chainPem,
  serial: leaf.serialNumber,
  subject: leaf.subject,
  subjectCn: leaf.commonName,
  sans: leaf.dnsNames,
  issuer: leaf.issuer,
  notBefore: leaf.notBefore,
  notAfter: leaf.notAfter,
  sha256: leaf.fingerprintSha256Hex,
  publicKeySha256: leaf.publicKey.spkiSha256,
  contractPeriodEnd: row.contractPeriodEnd ?? null,
  registeredBy: row.registeredBy,
  registeredAt: row.now,
});

/**
 * In the caller's transaction, after its cycle moved: the certificate stored and audited, and the
 * next cycle planned from it. null: this very certificate is stored already (nothing written here).
 */
export async function storeRenewedCertificate(
  tx: Pick<CommonRepositories, 'certificates' | 'audit' | 'planning'>,
  input: {
    readonly cycleId: string | null;
    readonly certificate: NewCertificate;
    readonly now: Date;
    readonly settings?: NoticeSettings | undefined;
  },
): Promise<{ readonly id: string } | null> {
  const { cycleId, certificate, now } = input;
  const stored = await tx.certificates.insert(certificate);
  if (!stored) return null;
  await tx.audit.record({
    actor: certificate.registeredBy,
    action: 'certificate.registered',
    at: now,
    contractId: certificate.contractId,
    cycleId,
    after: {
      certificateId: stored.id,
      applicationId: certificate.applicationId,
      sha256: certificate.sha256,
      notAfter: certificate.notAfter.toISOString(),
    },
  });
  await tx.planning.planRenewals([certificate.contractId], {
    now,
    actor: certificate.registeredBy,
    ...(input.settings ? { settings: input.settings } : {}),
  });
  return stored;
}
