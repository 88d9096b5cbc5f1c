import type { ApplicationRepositories } from '../ports/applications.ts';
import type { DecisionContext, DecisionRepositories, FieldProblem, Refused } from '../ports/decisions.ts';
import type { KeyMaker } from '../ports/keys.ts';
import type { MessageRepositories } from '../ports/messages.ts';
import { type CommonRepositories, type RolledBack, rollBack, type Store } from '../ports/store.ts';
import type { Product } from '../rules/catalogue.ts';
import { type Applicant, type CsrMethod, type Dn, periodMonthsSchema } from '../rules/contract-terms.ts';
import { applyCycleCommand, type CycleCommand, type RenewalCycle } from '../rules/renewal-cycle.ts';
import { applyRenewalChanges, isRenewalDataComplete, type RenewalDraft } from '../rules/renewal-request.ts';
import { checkCsr, parseCsr } from '../rules/x509/csr.ts';
import {
  afterLostRace,
  type DecisionInput,
  LOST_RACE,
  type LostRace,
  loadDecision,
  precheck,
  productOf,
  refusalOf,
  refuse,
} from './decision-steps.ts';
import { makeProviderKey } from './make-provider-key.ts';

export type RequestRenewalPorts = {
  readonly store: Store<
    CommonRepositories & DecisionRepositories & MessageRepositories & ApplicationRepositories
  >;
  readonly keys: KeyMaker;
};

/** The Renew modal as submitted (its fields read, their own format already checked by the entry point). */
export type RenewalForm = {
  readonly period: number | null;
  /** The subject; its CN is always the contract's (R-CHANGE-2). */
  readonly dn: Omit<Dn, 'cn'>;
  readonly applicant: Applicant;
  readonly csrMethod: CsrMethod | null;
  /** The customer's CSR (PEM), '' when none was pasted. */
  readonly csr: string;
  /** R-CSR-1: the user confirmed re-using the key of an earlier certificate or CSR. */
  readonly reuseConfirmed: boolean;
  readonly www: boolean;
  /** R-DCV-GLOBALSIGN: the approver chosen, among those the modal offered. */
  readonly approver: string | null;
  /** The approver addresses the modal offered (looked up in DNS when it opened). */
  readonly offeredApprovers: readonly string[] | null;
};

export type RequestRenewalResult =
  | {
      readonly ok: true;
      readonly cycle: RenewalCycle;
      readonly applicationId: string;
      readonly contract: DecisionContext['contract'];
    }
  | Refused;

const ACTION = 'requestRenewal';

/**
 * The Renew modal's submit, as the rule reads:
 * - guards: a proxy contract with a known product; the state machine lets this user request the
 *   renewal and submit its data now (group admin, before the deadlines, not decided yet);
 * - data: R-CHANGE-2 (only what may change), R-CSR-2 and R-CSR-1 (the customer's CSR, a re-used key
 *   only when confirmed), R-DCV-GLOBALSIGN (an approver among those offered), R-CSR-3 (a fresh
 *   provider key sealed at once, only once the data is accepted: `onAccepted` lets the entry point
 *   answer first); whether the renewal data is complete;
 * - one transaction: the renewal requested with its period, the data recorded, the cycle's one
 *   renewal application, the audit entry, the hand-over to the back office, and the notice
 *   re-rendered with a thread reply (who, period, estimate, what the CA may do next: R-VETTING-1).
 */
export async function requestRenewal(
  ports: RequestRenewalPorts,
  input: DecisionInput & { readonly form: RenewalForm; readonly onAccepted?: () => Promise<void> },
): Promise<RequestRenewalResult> {
  const { now, userId } = input;
  const loaded = await loadDecision(ports.store, ACTION, input);
  if (!loaded.ok) return loaded;
  const { context, actor } = loaded;
  const refused = (refusal: Parameters<typeof refuse>[2]) =>
    refuse(ports.store, { action: ACTION, input, cycle: context.cycle }, refusal);

  if (context.contract.category === 'byo') return refused({ reason: 'decision.not_for_byo' });
  const known = productOf(context);
  if (!known) return refused({ reason: 'decision.unknown_product' });
  const decided = precheck(context, { type: 'requestRenewal', actor }, now);
  if (!('ok' in decided)) return refused(decided);
  if (!decided.changed) return { ok: false, reason: 'cycle.already_decided', cycle: context.cycle };
  const data = precheck(context, { type: 'submitRenewalData', actor, complete: true }, now);
  if (!('ok' in data)) return refused(data);

  const checked = await checkRenewalData(ports, context, known.product, input.form);
  if (!checked.ok) return checked;
  const { draft, reusedKey } = checked;
  await input.onAccepted?.();

  let csrPem = draft.csrPem;
  let sealedPrivateKey: string | null = null;
  if (draft.csrMethod === 'provider') {
    const key = await makeProviderKey(
      ports.keys,
      { ...context.contract, wwwOption: draft.wwwOption },
      draft.dn,
    );
    if (!key.ok) return { ok: false, reason: key.reason };
    csrPem = key.value.csrPem;
    sealedPrivateKey = key.value.sealedPrivateKey;
  }
  const complete = isRenewalDataComplete(
    {
      dn: draft.dn,
      applicant: draft.applicant,
      csrMethod: draft.csrMethod,
      csrPem,
      approverEmail: draft.approverEmail,
    },
    known.product,
  ).complete;
  const commands: CycleCommand[] = [
    { type: 'requestRenewal', actor, period: draft.periodMonths },
    { type: 'submitRenewalData', actor, complete },
  ];

  const outcome = await ports.store.transaction(
    async (tx): Promise<RequestRenewalResult | LostRace | RolledBack<LostRace>> => {
      // Locked: two admins, two replicas or a retry run one after the other; the second sees the first.
      const before = await tx.cycles.find(context.cycle.id, { lock: true });
      if (!before) return { ok: false, reason: 'decision.contract_gone' };
      let cycle = before;
      for (const [index, command] of commands.entries()) {
        const moved = applyCycleCommand(cycle, command, now);
        if (!moved.ok) {
          if (index > 0) return rollBack(LOST_RACE);
          return refuse(
            tx,
            { action: ACTION, input, cycle },
            refusalOf(moved.reason, moved.params, context, cycle),
          );
        }
        if (!moved.value.changed) {
          if (index === 0) return { ok: false, reason: 'cycle.already_decided', cycle };
          continue;
        }
        await tx.cycles.save(cycle.version, moved.value);
        cycle = moved.value.cycle;
      }
      const application = await tx.applications.insert({
        contractId: context.contract.id,
        cycleId: before.id,
        kind: 'renewal',
        dn: draft.dn,
        applicant: draft.applicant,
        periodMonths: draft.periodMonths,
        csrMethod: draft.csrMethod,
        csrPem: csrPem ?? '',
        wwwOption: draft.wwwOption,
        approverAddress: draft.approverEmail,
        sealedPrivateKey,
        requestedBy: userId,
        requestedAt: now,
      });
      // The cycle's one renewal application exists already (an auto-renewal, another replica).
      if (!application) return rollBack(LOST_RACE);
      await tx.audit.record({
        actor,
        action: `decision.${ACTION}`,
        at: now,
        contractId: context.contract.id,
        cycleId: before.id,
        detail: {
          periodMonths: draft.periodMonths,
          csrMethod: draft.csrMethod,
          reusedKey,
          wwwOption: draft.wwwOption,
        },
      });
      await tx.handover.enqueue({
        kind: 'application',
        contractId: context.contract.id,
        cycleId: before.id,
        applicationId: application.id,
        actor: userId,
        occurredAt: now,
      });
      await tx.messages.enqueue({
        kind: 'notice_refresh',
        cycleId: before.id,
        reply: {
          kind: 'renewal_requested',
          by: userId,
          at: now.toISOString(),
          periodMonths: draft.periodMonths,
          csrMethod: draft.csrMethod,
          reusedKey,
          approverAddress: known.product.ca === 'globalsign' ? draft.approverEmail : null,
          oldNotAfter: before.expiresAt.toISOString(),
        },
      });
      return { ok: true, cycle, applicationId: application.id, contract: context.contract };
    },
  );
  return afterLostRace(ports.store, context.cycle.id, outcome);
}

type Checked = { readonly ok: true; readonly draft: RenewalDraft; readonly reusedKey: boolean } | Refused;

/** SPKI hashes of every key the contract used before: its certificates and earlier CSRs (R-CSR-1). */
function previousKeys(context: DecisionContext): string[] {
  const fromCsrs = context.previousCsrPems.flatMap((pem) => {
    const parsed = parseCsr(pem);
    return parsed.ok ? [parsed.value.publicKey.spkiSha256] : [];
  });
  return [...context.certificateKeySha256s, ...fromCsrs];
}

/** The domain's checks of the renewal data: R-CHANGE-2, R-CSR-1, R-CSR-2, the approver, the master key. */
async function checkRenewalData(
  ports: RequestRenewalPorts,
  context: DecisionContext,
  product: Product,
  form: RenewalForm,
): Promise<Checked> {
  const previous = context.previousApplication;
  const fields: Record<string, FieldProblem> = {};
  const problems = () => ({ ok: false, reason: 'decision.fields', fields }) as const;
  if (!previous) {
    fields.period = { problem: 'no_previous_application' };
    return problems();
  }
  let csrPem: string | null = null;
  let reusedKey = false;
  if (form.csrMethod === 'customer') {
    if (form.csr === '') fields.csr = { problem: 'csr_required' };
    else {
      const csr = await checkCsr(form.csr, {
        contractCn: context.contract.cn,
        previousPublicKeySha256s: previousKeys(context),
      });
      if (!csr.ok) fields.csr = { problem: 'csr', reason: csr.reason };
      else {
        csrPem = csr.value.csr.pem;
        reusedKey = csr.value.reusesPreviousKey;
        if (reusedKey && !form.reuseConfirmed) fields.csr_reuse = { problem: 'reuse_not_confirmed' };
      }
    }
  } else if (form.csrMethod === 'provider' && !ports.keys.available) {
    fields.csr_method = { problem: 'master_key_missing' };
  }
  if (product.ca === 'globalsign') {
    const offered = form.offeredApprovers ?? (previous.approverAddress ? [previous.approverAddress] : []);
    if (!form.approver) fields.approver = { problem: 'approver_required' };
    else if (!offered.includes(form.approver)) fields.approver = { problem: 'approver_not_a_choice' };
  }
  const period = periodMonthsSchema.safeParse(form.period);
  const draft = applyRenewalChanges(
    {
      ...previous,
      kind: previous.kind,
      productId: product.id,
      csrPem: null,
      approverEmail: previous.approverAddress,
      linkedServiceIds: context.contract.linkedServices,
      appliedAt: context.cycle.expiresAt,
    },
    {
      dn: { ...form.dn, cn: context.contract.cn },
      applicant: form.applicant,
      ...(period.success ? { periodMonths: period.data } : {}),
      ...(form.csrMethod ? { csrMethod: form.csrMethod } : {}),
      csrPem,
      wwwOption: form.www,
      approverEmail: product.ca === 'globalsign' ? form.approver : previous.approverAddress,
    },
    product,
  );
  if (!period.success && !fields.period) fields.period = { problem: 'required' };
  if (!draft.ok) {
    if (draft.reason === 'renewal.period_not_allowed')
      fields.period = { problem: 'period_not_allowed', allowed: product.periodsSoldToday };
    else if (draft.reason === 'renewal.www_option_not_offered') fields.www_option = { problem: 'invalid' };
    else fields.period = { problem: 'invalid' };
  }
  if (Object.keys(fields).length > 0 || !draft.ok) return problems();
  return { ok: true, draft: draft.value, reusedKey };
}
