// The domain's public entry point: what handlers, jobs and the db layer use. Every rule of
// ../shared/spec/ lives in one module below; nothing here knows Slack, SQL or a clock.

/** The DNS port: look-ups with a timeout, where a failure is never "no record" (R-DCV-5). */
export type { DnsResolver, LookupFailureReason, LookupResult, SoaRecord } from './ports/dns.ts';
/** Which decisions a notice offers now, from the state machine's guards (R-AUTO-1, R-AUTO-5, R-CHANGE-3). */
export * from './rules/available-decisions.ts';
/** CA/Browser Forum limits by date: validity caps (R-CABF-1) and DCV method status (R-CABF-3). */
export * from './rules/cabf-limits.ts';
/** Product catalogue: allowed renewal periods (R-CHANGE-1), auto-renewal periods (R-AUTO-3), vetting (R-VETTING-1). */
export * from './rules/catalogue.ts';
/** Contract period of an issued certificate that the CA/B Forum cap cut short (R-CABF-2). */
export { type ContractPeriodInput, contractPeriodEndOfIssued } from './rules/contract-period.ts';
/** Vocabulary of contracts: CA, category, CSR method, periods, roles, application kinds, DN, applicant, locale. */
export * from './rules/contract-terms.ts';
/** Vocabulary of renewal cycles: cycle states, notice kinds, notice delivery statuses. */
export * from './rules/cycle-vocabulary.ts';
/** DCV: the addresses the CA writes to, choices, withdrawn methods and the TXT record to add (R-DCV-*). */
export * from './rules/dcv/dcv-addresses.ts';
/** DCV use-case: TXT and SOA look-ups in parallel, then `dcvAddresses` (R-DCV-5). */
export { lookUpDcv } from './rules/dcv/lookup-dcv.ts';
/** SOA RNAME to mailbox, with escaped dots (R-DCV-GLOBALSIGN). */
export { rnameToMailbox } from './rules/dcv/rname.ts';
/** The SOA of the zone that holds a name, walking up to the base domain (R-DCV-5). */
export { findZoneSoa } from './rules/dcv/zone-soa.ts';
/** Subject fields as a CA accepts them (X.520 lengths, country code, no control characters). */
export * from './rules/dn-fields.ts';
/** Common names typed by users: normalised, IDN to A-labels, base domain by the PSL, refusals with reasons. */
export * from './rules/domain-name.ts';
/** Host-name equality for CNs and SANs (case, trailing dot, punycode; wildcards literal). */
export { normalizeDomainName, sameCommonName } from './rules/host-name-comparison.ts';
/** Whether a due notice is still meaningful, or skipped with a reason; late flag (R-NOTICE-4, R-NOTICE-5). */
export * from './rules/notice-relevance.ts';
/** Notice schedule of a contract period: notices, delivery-time adjustment and deadlines (R-NOTICE-*, R-AUTO-5, R-CABF-2). */
export * from './rules/notice-schedule.ts';
/** Previous DN data of a contract (R-DN-1, R-DN-2). */
export * from './rules/previous-dn.ts';
/** Renewal cycle state machine: every transition with its guards, idempotent (`applyCycleCommand`). */
export * from './rules/renewal-cycle.ts';
/** Renewal requests: what may change (R-CHANGE-2), BYO acceptance (R-CHANGE-3), auto-renewal application (R-AUTO-2). */
export * from './rules/renewal-request.ts';
/** Results: `{ ok: true, value } | { ok: false, reason, params }` with stable reason codes. */
export { type Err, err, type Ok, ok, type Result } from './rules/result.ts';
/** Calendar arithmetic in Asia/Tokyo (days, months, wall-clock times). */
export * from './rules/tokyo-calendar.ts';
/** Validity estimate of a renewed certificate, with its reasons and cap (R-VALID-*, R-CABF-1). */
export * from './rules/validity-estimate.ts';

/** Certificates and chains from PEM: the leaf, its facts and fingerprints. */
export * from './rules/x509/certificate.ts';
/** CSR parsing and checks (R-CSR-1, R-CSR-2). */
export * from './rules/x509/csr.ts';
/** Fresh key pair and CSR from DN data (R-CSR-3). */
export * from './rules/x509/key-generation.ts';
/** AES-256-GCM encryption of private keys at rest with KIGEN_MASTER_KEY. */
export * from './rules/x509/private-key-crypto.ts';
/** Public-key facts (algorithm, size, curve, SPKI SHA-256). */
export {
  describePublicKey,
  type PublicKeyAlgorithm,
  type PublicKeyFacts,
} from './rules/x509/public-key-facts.ts';
