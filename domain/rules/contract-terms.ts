import { z } from 'zod';

/** The CAs whose products the provider applies for on the customer's behalf. */
export const caSchema = z.enum(['digicert', 'cybertrust', 'globalsign']);
export type Ca = z.infer<typeof caSchema>;

/** proxy: the provider applies to the CA; byo: the customer brings a certificate bought elsewhere. */
export const categorySchema = z.enum(['proxy', 'byo']);
export type Category = z.infer<typeof categorySchema>;

/** Who makes the key pair and CSR: the customer, or the provider (Kigen generates them). */
export const csrMethodSchema = z.enum(['customer', 'provider']);
export type CsrMethod = z.infer<typeof csrMethodSchema>;

/** Contract period in months (6 or 12 are sold today; longer ones exist on old contracts). */
export const periodMonthsSchema = z.union([
  z.literal(6),
  z.literal(12),
  z.literal(24),
  z.literal(36),
  z.literal(48),
  z.literal(60),
]);
export type PeriodMonths = z.infer<typeof periodMonthsSchema>;

/** The languages of every message: Japanese by default, English the other. */
export const localeSchema = z.enum(['ja', 'en']);
export type Locale = z.infer<typeof localeSchema>;

/** Roles of a service group's members: only group admins decide. */
export const memberRoleSchema = z.enum(['group_admin', 'service_admin']);
export type MemberRole = z.infer<typeof memberRoleSchema>;

/** Kinds of application sent to a CA. */
export const applicationKindSchema = z.enum(['new', 'renewal', 'auto_renewal', 'reissue']);
export type ApplicationKind = z.infer<typeof applicationKindSchema>;

/** Subject DN fields of an application (CN is the contract's, never changed at renewal). */
export const dnSchema = z.object({
  c: z.string().length(2).default('JP'),
  st: z.string().min(1).max(128),
  l: z.string().min(1).max(128),
  o: z.string().min(1).max(64),
  ou: z.string().max(64).optional(),
  cn: z.string().min(1).max(253),
});
export type Dn = z.infer<typeof dnSchema>;

/** The applicant-responsible person (申請責任者) named on an application. */
export const applicantSchema = z.object({
  name: z.string().min(1).max(128),
  email: z.string().email().max(254),
  phone: z.string().max(32).optional(),
  department: z.string().max(128).optional(),
  title: z.string().max(128).optional(),
});
export type Applicant = z.infer<typeof applicantSchema>;
