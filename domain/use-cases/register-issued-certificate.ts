import type { ThreadReply } from '../ports/messages.ts';
import {
  type IssueContext,
  type IssueReason,
  type IssueTarget,
  type OpsRefusal,
  type StaffActor,
  type StoredCertificate,
  staffActorId,
} from '../ports/operations.ts';
import { advanceProgress, answersCsr, issueRefusal } from '../rules/application-progress.ts';
import { contractPeriodEndOfIssued } from '../rules/contract-period.ts';
import type { NoticeSettings } from '../rules/notice-schedule.ts';
import type { ByoCertificateReason } from '../rules/renewal-request.ts';
import { type CertificateFacts, parseCertificateBundle } from '../rules/x509/certificate.ts';
import { parseCsr } from '../rules/x509/csr.ts';
import { type OperationsPorts, refuseNonStaff } from './open-ops-form.ts';
import {
  chainPemOf,
  checkRenewedLeaf,
  newCertificateOf,
  storeRenewedCertificate,
} from './renewed-certificate.ts';

export type RegisterIssuedResult =
  | {
      readonly ok: true;
      /** false: this very certificate was registered before; nothing changed, nobody is told again. */
      readonly changed: boolean;
      readonly contractId: string;
      readonly cn: string;
      readonly applicationId: string | null;
      /** The cycle the certificate completed, whose notice the customer reads. */
      readonly cycleId: string | null;
      readonly certificate: { readonly id: string; readonly sha256: string; readonly notAfter: Date };
    }
  | OpsRefusal<IssueReason>;

/** A refusal inside the transaction: thrown so that nothing written there stays. */
class Refused extends Error {
  constructor(
    readonly reason: IssueReason,
    readonly params: Readonly<Record<string, unknown>> = {},
  ) {
    super(reason);
  }
}

type Found = { readonly contractId: string; readonly cn: string; readonly applicationId: string | null };

class RegisteredMeanwhile extends Error {
  constructor(readonly found: Found) {
    super('registered meanwhile');
  }
}

/** This very certificate is registered already: nothing changes, nobody is told again. */
const unchanged = (found: Found, certificate: StoredCertificate): RegisterIssuedResult => ({
  ok: true,
  changed: false,
  ...found,
  cycleId: null,
  certificate,
});

const BYO_TO_OPS: Record<ByoCertificateReason, IssueReason> = {
  'renewal.byo_cn_mismatch': 'ops.cn_mismatch',
  'renewal.byo_certificate_expired': 'ops.certificate_expired',
  'renewal.byo_certificate_not_newer': 'ops.certificate_not_newer',
};

/**
 * "Certificate issued" (the staff's modal) and `kigen certificate add CN FILE.pem`: the certificate
 * the CA issued is registered.
 *
 * Guards: staff only (refusals audited); the pasted PEM parses; the target exists — the application of
 * the button, or by CN the contract's open application (proxy) or its open cycle (BYO, R-CHANGE-3);
 * the application is neither rejected nor issued with another certificate. Data: the certificate
 * names the contract's CN, is unexpired and outlasts the current one (R-CHANGE-3), and carries the
 * public key of the application's CSR. One transaction: the cycle completes, the certificate is
 * stored (with the application's sealed key, R-CSR-3; with the end of its contract period when the
 * CA/B Forum cap cut it short, R-CABF-2), the application is issued, the next cycle is planned; then
 * the outbox re-renders the operations message and the customer's notice, and tells the customer's
 * thread. The same certificate again changes nothing and tells nobody.
 */
export async function registerIssuedCertificate(
  ports: OperationsPorts,
  input: {
    readonly actor: StaffActor;
    readonly target: IssueTarget;
    /** PEM text: the server certificate, with its chain if pasted. */
    readonly pem: string;
    readonly now: Date;
    readonly settings?: NoticeSettings | undefined;
  },
): Promise<RegisterIssuedResult> {
  const { actor, target, now } = input;
  const refused = await refuseNonStaff(ports.store, {
    actor,
    intent: 'issued',
    applicationId: 'applicationId' in target ? target.applicationId : null,
    now,
  });
  if (refused) return refused;
  const bundle = parseCertificateBundle(input.pem);
  if (!bundle.ok) return { ok: false, reason: bundle.reason, params: bundle.params ?? {} };
  const leaf = bundle.value.leaf;
  const chainPem = chainPemOf(bundle.value);
  const by = staffActorId(actor);

  try {
    return await ports.store.transaction(async (tx): Promise<RegisterIssuedResult> => {
      const context = await tx.operations.issueContext(target);
      if (!context) {
        throw 'cn' in target
          ? new Refused('ops.contract_not_found', { cn: target.cn })
          : new Refused('ops.application_not_found');
      }
      const { contract, application } = context;
      const same = await tx.operations.registeredCertificate(contract.id, leaf.fingerprintSha256Hex);
      const found = { contractId: contract.id, cn: contract.cn, applicationId: application?.id ?? null };
      if (same) return unchanged(found, same);
      // A proxy certificate answers an application; without an open one there is nothing to complete.
      if (contract.category === 'proxy' && !application) {
        throw new Refused('ops.no_open_application', { cn: contract.cn });
      }
      const closed = application ? issueRefusal(application.progress) : null;
      if (closed) throw new Refused(closed);
      checkAnswers(context, leaf, now);

      const cycleId = application ? application.cycleId : context.openCycleId;
      if (cycleId) {
        // The cycle moves as the system: the staff are not the customer's group admins.
        const moved = await tx.cycles.apply(
          cycleId,
          { type: 'registerRenewedCertificate', actor: { type: 'system', job: by } },
          now,
        );
        if (!moved.ok) throw new Refused(moved.reason, (moved.params ?? {}) as Record<string, unknown>);
      }
      const stored = await storeRenewedCertificate(tx, {
        cycleId,
        certificate: newCertificateOf(leaf, {
          contractId: contract.id,
          applicationId: application?.id ?? null,
          chainPem,
          contractPeriodEnd: contractPeriodEndOfIssued({
            category: contract.category,
            ca: contract.ca,
            application: application
              ? { kind: application.kind, periodMonths: application.periodMonths }
              : null,
            current: context.current,
            issued: leaf,
          }),
          registeredBy: by,
          now,
        }),
        now,
        settings: input.settings,
      });
      // Registered by someone else since the look above: nothing of ours stays, as if it had been found.
      if (!stored) throw new RegisteredMeanwhile(found);
      if (application) {
        const issued = advanceProgress(application.progress, {
          type: 'issue',
          by,
          at: now,
          certificateId: stored.id,
        });
        if (!issued.ok) throw new Refused(issued.reason);
        await tx.operations.saveProgress(application.id, issued.value.progress, now);
        await tx.messages.enqueue({ kind: 'ops_refresh', applicationId: application.id });
      }
      const reply: ThreadReply = { kind: 'certificate_issued', notAfter: leaf.notAfter.toISOString() };
      // The customer's notice shows its cycle completed, and its thread says so.
      await tx.messages.enqueue(
        cycleId
          ? { kind: 'notice_refresh', cycleId, reply }
          : { kind: 'customer_reply', contractId: contract.id, cycleId: null, reply },
      );
      return {
        ok: true,
        changed: true,
        contractId: contract.id,
        cn: contract.cn,
        applicationId: application?.id ?? null,
        cycleId,
        certificate: { id: stored.id, sha256: leaf.fingerprintSha256Hex, notAfter: leaf.notAfter },
      };
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason, params: error.params };
    if (error instanceof RegisteredMeanwhile) {
      const same = await ports.store.operations.registeredCertificate(
        error.found.contractId,
        leaf.fingerprintSha256Hex,
      );
      if (same) return unchanged(error.found, same);
    }
    throw error;
  }
}

/** R-CHANGE-3 (CN, unexpired, newer than the current certificate) and the CSR's public key; throws the refusal. */
function checkAnswers(context: IssueContext, leaf: CertificateFacts, now: Date): void {
  const accepted = checkRenewedLeaf(leaf, { cn: context.contract.cn, current: context.current }, now);
  if (!accepted.ok) throw new Refused(BYO_TO_OPS[accepted.reason], accepted.params ?? {});
  const csrPem = context.application?.csrPem;
  if (!csrPem) return;
  const csr = parseCsr(csrPem);
  if (!csr.ok) throw new Refused('ops.csr_unreadable');
  const answers = answersCsr({
    csrPublicKeySha256: csr.value.publicKey.spkiSha256,
    certificatePublicKeySha256: leaf.publicKey.spkiSha256,
  });
  if (!answers.ok) throw new Refused(answers.reason, answers.params ?? {});
}
