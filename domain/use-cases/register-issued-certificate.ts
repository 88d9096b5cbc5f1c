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
import { type RolledBack, rollBack } from '../ports/store.ts';
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

const refusal = (
  reason: IssueReason,
  params: Readonly<Record<string, unknown>> = {},
): OpsRefusal<IssueReason> => ({ ok: false, reason, params });

type Found = { readonly contractId: string; readonly cn: string; readonly applicationId: string | null };

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

  return ports.store.transaction(
    async (tx): Promise<RegisterIssuedResult | RolledBack<RegisterIssuedResult>> => {
      const context = await tx.operations.issueContext(target);
      if (!context) {
        return 'cn' in target
          ? refusal('ops.contract_not_found', { cn: target.cn })
          : refusal('ops.application_not_found');
      }
      const { contract, application } = context;
      const same = await tx.operations.registeredCertificate(contract.id, leaf.fingerprintSha256Hex);
      const found = { contractId: contract.id, cn: contract.cn, applicationId: application?.id ?? null };
      if (same) return unchanged(found, same);
      // A proxy certificate answers an application; without an open one there is nothing to complete.
      if (contract.category === 'proxy' && !application) {
        return refusal('ops.no_open_application', { cn: contract.cn });
      }
      const closed = application ? issueRefusal(application.progress) : null;
      if (closed) return refusal(closed);
      const unanswered = checkAnswers(context, leaf, now);
      if (unanswered) return unanswered;

      const cycleId = application ? application.cycleId : context.openCycleId;
      if (cycleId) {
        // The cycle moves as the system: the staff are not the customer's group admins.
        const moved = await tx.cycles.apply(
          cycleId,
          { type: 'registerRenewedCertificate', actor: { type: 'system', job: by } },
          now,
        );
        if (!moved.ok) return refusal(moved.reason, (moved.params ?? {}) as Record<string, unknown>);
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
      if (!stored) {
        // Registered by someone else since the look above (the insert waited for its commit, so it
        // is seen now): nothing of ours stays, and the answer is as if it had been found.
        const meanwhile = await tx.operations.registeredCertificate(contract.id, leaf.fingerprintSha256Hex);
        if (!meanwhile) throw new Error(`certificate ${leaf.fingerprintSha256Hex} neither stored nor found`);
        return rollBack(unchanged(found, meanwhile));
      }
      if (application) {
        const issued = advanceProgress(application.progress, {
          type: 'issue',
          by,
          at: now,
          certificateId: stored.id,
        });
        if (!issued.ok) return rollBack(refusal(issued.reason));
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
    },
  );
}

/** R-CHANGE-3 (CN, unexpired, newer than the current certificate) and the CSR's public key: the refusal, or null. */
function checkAnswers(
  context: IssueContext,
  leaf: CertificateFacts,
  now: Date,
): OpsRefusal<IssueReason> | null {
  const accepted = checkRenewedLeaf(leaf, { cn: context.contract.cn, current: context.current }, now);
  if (!accepted.ok) return refusal(BYO_TO_OPS[accepted.reason], accepted.params ?? {});
  const csrPem = context.application?.csrPem;
  if (!csrPem) return null;
  const csr = parseCsr(csrPem);
  if (!csr.ok) return refusal('ops.csr_unreadable');
  const answers = answersCsr({
    csrPublicKeySha256: csr.value.publicKey.spkiSha256,
    certificatePublicKeySha256: leaf.publicKey.spkiSha256,
  });
  return answers.ok ? null : refusal(answers.reason, answers.params ?? {});
}
