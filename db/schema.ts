import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  Applicant,
  ApplicationKind,
  Ca,
  Category,
  CsrMethod,
  Locale,
  MemberRole,
  PeriodMonths,
} from '../domain/rules/contract-terms.ts';
import type { CycleState, NoticeKind, NoticeStatus } from '../domain/rules/cycle-vocabulary.ts';
import type { Decision } from '../domain/rules/renewal-cycle.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const instant = (name: string) => timestamp(name, { withTimezone: true });

/** A customer's service group: the unit whose members see and decide on its contracts. */
export const serviceGroups = pgTable('service_groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  locale: text('locale').$type<Locale>(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Slack users of a service group with their role; only group admins decide. */
export const members = pgTable(
  'members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceGroupId: uuid('service_group_id')
      .notNull()
      .references(() => serviceGroups.id, { onDelete: 'cascade' }),
    slackUserId: text('slack_user_id').notNull(),
    role: text('role').$type<MemberRole>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('members_group_user_uq').on(t.serviceGroupId, t.slackUserId),
    index('members_user_idx').on(t.slackUserId),
    check('members_role_ck', sql`${t.role} in ('group_admin', 'service_admin')`),
  ],
);

/** One subscription for one CN, one product, one CA. */
export const contracts = pgTable(
  'contracts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceGroupId: uuid('service_group_id')
      .notNull()
      .references(() => serviceGroups.id, { onDelete: 'restrict' }),
    cn: text('cn').notNull(),
    category: text('category').$type<Category>().notNull(),
    ca: text('ca').$type<Ca>(),
    productId: text('product_id'),
    periodMonths: integer('period_months').$type<PeriodMonths>(),
    csrMethod: text('csr_method').$type<CsrMethod>(),
    wwwOption: boolean('www_option').notNull().default(false),
    linkedServices: text('linked_services').array().notNull().default(sql`'{}'::text[]`),
    slackChannelId: text('slack_channel_id').notNull(),
    status: text('status').$type<'active' | 'cancelled'>().notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One live contract per CN; a cancelled one may be followed by a new contract for the same name.
    uniqueIndex('contracts_active_cn_uq').on(t.cn).where(sql`${t.status} <> 'cancelled'`),
    index('contracts_group_idx').on(t.serviceGroupId),
    index('contracts_channel_idx').on(t.slackChannelId),
    check('contracts_category_ck', sql`${t.category} in ('proxy', 'byo')`),
    check('contracts_status_ck', sql`${t.status} in ('active', 'cancelled')`),
    check(
      'contracts_proxy_terms_ck',
      sql`${t.category} = 'byo' or (${t.ca} is not null and ${t.productId} is not null and ${t.periodMonths} is not null and ${t.csrMethod} is not null)`,
    ),
  ],
);

/** A renewal cycle: one contract period ending at one expiry, and the decision taken for it. */
export const renewalCycles = pgTable(
  'renewal_cycles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id, { onDelete: 'cascade' }),
    certificateId: uuid('certificate_id').references(() => certificates.id, { onDelete: 'set null' }),
    expiresAt: instant('expires_at').notNull(),
    state: text('state').$type<CycleState>().notNull().default('scheduled'),
    // Null for BYO, which has nothing to decide before expiry (R-AUTO-4, R-AUTO-5).
    decisionDeadline: instant('decision_deadline'),
    dataDeadline: instant('data_deadline'),
    chosenPeriodMonths: integer('chosen_period_months').$type<PeriodMonths>(),
    decision: text('decision').$type<Decision>(),
    decidedBy: text('decided_by'),
    decidedAt: instant('decided_at'),
    renewalDataComplete: boolean('renewal_data_complete').notNull().default(false),
    noticedAt: instant('noticed_at'),
    // The cycle's parent message: later notices edit it and reply in its thread.
    slackChannelId: text('slack_channel_id'),
    slackTs: text('slack_ts'),
    // Optimistic locking: every transition is `update … where version = $seen`.
    version: integer('version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('renewal_cycles_contract_expiry_uq').on(t.contractId, t.expiresAt),
    index('renewal_cycles_open_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.state} not in ('completed', 'cancelled')`),
  ],
);

/** An application sent (or to be sent) to the CA. */
export const applications = pgTable(
  'applications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id, { onDelete: 'cascade' }),
    cycleId: uuid('cycle_id').references(() => renewalCycles.id, { onDelete: 'set null' }),
    kind: text('kind').$type<ApplicationKind>().notNull(),
    dnC: text('dn_c').notNull().default('JP'),
    dnSt: text('dn_st').notNull(),
    dnL: text('dn_l').notNull(),
    dnO: text('dn_o').notNull(),
    dnOu: text('dn_ou'),
    dnCn: text('dn_cn').notNull(),
    applicant: jsonb('applicant').$type<Applicant>().notNull(),
    periodMonths: integer('period_months').$type<PeriodMonths>().notNull(),
    csrPem: text('csr_pem'),
    csrMethod: text('csr_method').$type<CsrMethod>().notNull(),
    wwwOption: boolean('www_option').notNull().default(false),
    approverAddress: text('approver_address'),
    // Kigen-generated key (R-CSR-3), AES-256-GCM with KIGEN_MASTER_KEY; never in clear text.
    encryptedPrivateKey: text('encrypted_private_key'),
    requestedBy: text('requested_by').notNull(),
    requestedAt: instant('requested_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // One renewal decision per cycle, however many clicks or replicas race for it.
    uniqueIndex('applications_cycle_renewal_uq')
      .on(t.cycleId)
      .where(sql`${t.kind} in ('renewal', 'auto_renewal')`),
    index('applications_contract_idx').on(t.contractId, t.requestedAt),
    check('applications_kind_ck', sql`${t.kind} in ('new', 'renewal', 'auto_renewal', 'reissue')`),
  ],
);

/** A certificate registered for a contract. */
export const certificates = pgTable(
  'certificates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id, { onDelete: 'cascade' }),
    applicationId: uuid('application_id'),
    pem: text('pem').notNull(),
    chainPem: text('chain_pem'),
    serial: text('serial').notNull(),
    subject: text('subject').notNull(),
    subjectCn: text('subject_cn'),
    sans: text('sans').array().notNull().default(sql`'{}'::text[]`),
    issuer: text('issuer').notNull(),
    notBefore: instant('not_before').notNull(),
    notAfter: instant('not_after').notNull(),
    // R-CABF-2: end of the contract period this certificate serves; null = its own notAfter.
    contractPeriodEnd: instant('contract_period_end'),
    sha256: text('sha256').notNull(),
    publicKeySha256: text('public_key_sha256').notNull(),
    encryptedPrivateKey: text('encrypted_private_key'),
    registeredBy: text('registered_by').notNull(),
    registeredAt: instant('registered_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('certificates_contract_sha256_uq').on(t.contractId, t.sha256),
    index('certificates_contract_not_after_idx').on(t.contractId, t.notAfter),
    index('certificates_not_after_idx').on(t.notAfter),
  ],
);

/** The notices outbox: one row per certificate and kind (R-NOTICE-4), claimed by the dispatcher. */
export const notices = pgTable(
  'notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id, { onDelete: 'cascade' }),
    certificateId: uuid('certificate_id')
      .notNull()
      .references(() => certificates.id, { onDelete: 'cascade' }),
    // Null for a re-issue notice, which belongs to no renewal cycle (R-CABF-2).
    cycleId: uuid('cycle_id').references(() => renewalCycles.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<NoticeKind>().notNull(),
    dueAt: instant('due_at').notNull(),
    status: text('status').$type<NoticeStatus>().notNull().default('pending'),
    slackChannelId: text('slack_channel_id'),
    slackTs: text('slack_ts'),
    // Set when the message is a reply in the cycle's thread: the parent's ts.
    slackThreadTs: text('slack_thread_ts'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at'),
    lastError: text('last_error'),
    // Why a notice was not delivered (status 'skipped'): a stable reason code.
    skipReason: text('skip_reason'),
    claimedBy: text('claimed_by'),
    claimedAt: instant('claimed_at'),
    sentAt: instant('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('notices_certificate_kind_uq').on(t.certificateId, t.kind),
    // A re-issued certificate of the same contract period plans nothing twice for its cycle.
    uniqueIndex('notices_cycle_kind_uq').on(t.cycleId, t.kind).where(sql`${t.cycleId} is not null`),
    // The dispatcher's sweep: pending notices by due time, a small index even over a million rows.
    index('notices_due_idx').on(t.dueAt).where(sql`${t.status} = 'pending'`),
    index('notices_claimed_idx').on(t.claimedAt).where(sql`${t.status} = 'sending'`),
    index('notices_cycle_idx').on(t.cycleId),
    index('notices_failed_idx').on(t.updatedAt).where(sql`${t.status} = 'failed'`),
    check('notices_status_ck', sql`${t.status} in ('pending', 'sending', 'sent', 'skipped', 'failed')`),
  ],
);

/** Every decision, refusal and system action, with who, when, before and after. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: instant('at').notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    contractId: uuid('contract_id'),
    cycleId: uuid('cycle_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    detail: jsonb('detail'),
  },
  (t) => [index('audit_events_contract_idx').on(t.contractId, t.at)],
);

/**
 * The hand-over outbox (issue 7): one row per fact the provider's back office must act on — a renewal
 * application, an opt-out, the undo of an opt-out. Written only by PostgreSQL triggers on
 * `applications` and `renewal_cycles`, in the transaction of the fact itself (migration
 * 0001_handover_triggers): no code path can store the fact and forget the hand-over.
 */
export const handoverEvents = pgTable(
  'handover_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Commit order within a contract: deliveries of one contract go out in this order.
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    kind: text('kind').$type<'application' | 'opt_out' | 'opt_out_undone'>().notNull(),
    applicationId: uuid('application_id').references(() => applications.id, { onDelete: 'set null' }),
    cycleId: uuid('cycle_id').references(() => renewalCycles.id, { onDelete: 'set null' }),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id, { onDelete: 'cascade' }),
    // Snapshot at the time of the fact, everything the back office needs; never a private key.
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('handover_events_contract_idx').on(t.contractId, t.seq),
    index('handover_events_application_idx').on(t.applicationId),
    check('handover_events_kind_ck', sql`${t.kind} in ('application', 'opt_out', 'opt_out_undone')`),
  ],
);

/** Channels a hand-over goes to; the triggers create a delivery per enabled channel. Set at start-up. */
export const handoverChannels = pgTable(
  'handover_channels',
  {
    channel: text('channel').$type<'ops_channel' | 'webhook'>().primaryKey(),
    enabled: boolean('enabled').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [check('handover_channels_channel_ck', sql`${t.channel} in ('ops_channel', 'webhook')`)],
);

/** One delivery of one hand-over event to one channel, retried until acknowledged; never dropped. */
export const handoverDeliveries = pgTable(
  'handover_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => handoverEvents.id, { onDelete: 'cascade' }),
    channel: text('channel').$type<'ops_channel' | 'webhook'>().notNull(),
    status: text('status').$type<'pending' | 'sending' | 'delivered'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    // Null: due now (a fresh delivery); set by a failed attempt to the end of its backoff.
    nextAttemptAt: instant('next_attempt_at'),
    lastError: text('last_error'),
    claimedBy: text('claimed_by'),
    claimedAt: instant('claimed_at'),
    deliveredAt: instant('delivered_at'),
    // ops_channel: the posted message, edited by the staff's buttons.
    slackChannelId: text('slack_channel_id'),
    slackTs: text('slack_ts'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('handover_deliveries_event_channel_uq').on(t.eventId, t.channel),
    index('handover_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('handover_deliveries_claimed_idx').on(t.claimedAt).where(sql`${t.status} = 'sending'`),
    check('handover_deliveries_channel_ck', sql`${t.channel} in ('ops_channel', 'webhook')`),
    check('handover_deliveries_status_ck', sql`${t.status} in ('pending', 'sending', 'delivered')`),
  ],
);

/** What the provider's staff did with an application: submitted to the CA, issued, or rejected. */
export const applicationProgress = pgTable(
  'application_progress',
  {
    applicationId: uuid('application_id')
      .primaryKey()
      .references(() => applications.id, { onDelete: 'cascade' }),
    status: text('status').$type<'submitted' | 'issued' | 'rejected'>().notNull(),
    submittedAt: instant('submitted_at'),
    submittedBy: text('submitted_by'),
    issuedAt: instant('issued_at'),
    issuedBy: text('issued_by'),
    certificateId: uuid('certificate_id').references(() => certificates.id, { onDelete: 'set null' }),
    rejectedAt: instant('rejected_at'),
    rejectedBy: text('rejected_by'),
    rejectionReason: text('rejection_reason'),
    updatedAt: updatedAt(),
  },
  (t) => [check('application_progress_status_ck', sql`${t.status} in ('submitted', 'issued', 'rejected')`)],
);
