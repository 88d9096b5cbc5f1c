import { type SQL, sql } from 'drizzle-orm';

/**
 * The domain's "current certificate" (domain/rules/current-certificate.ts) as an ORDER BY over the
 * certificates table aliased `alias`: the one reaching furthest first.
 */
export const currentCertificateOrder = (alias = 'k'): SQL =>
  sql.raw(`coalesce(${alias}.contract_period_end, ${alias}.not_after) desc, ${alias}.not_after desc`);

export const CURRENT_CERTIFICATE_ORDER = currentCertificateOrder('k');
