import { z } from 'zod';
import { productIdSchema } from '../../domain/rules/catalogue.ts';
import {
  applicantSchema,
  applicationKindSchema,
  caSchema,
  categorySchema,
  csrMethodSchema,
  memberRoleSchema,
  periodMonthsSchema,
} from '../../domain/rules/contract-terms.ts';
import { type DateOnly, INSTANT_EXAMPLE, parseInstant } from './import-instant.ts';

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{6,}$/, 'expected a Slack user id such as U0123ABCD');
const slackChannelId = z
  .string()
  .regex(/^[CG][A-Z0-9]{6,}$/, 'expected a Slack channel id such as C0123ABCD');
const describe = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'a mapping'
        : `the ${typeof value} ${String(value)}`;

/** An instant written as text: a number, `true` or a list is never a date (`requestedAt: 5` is no 1970). */
const instant = (dateOnly: DateOnly) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? undefined
          : `expected a date-time such as ${INSTANT_EXAMPLE}, not ${describe(issue.input)}`,
    })
    .transform((text, ctx) => {
      const parsed = parseInstant(text, dateOnly);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    });

const registration = {
  registeredBy: z.string().optional(),
  // R-CABF-2: a proxy certificate shorter than its contract period (capped validity) names the end
  // of that period, so that the renewal is planned there and a re-issue notice at the certificate's end.
  contractPeriodEnd: instant('end-of-tokyo-day').optional(),
};

const certificateOptions = {
  pem: z.strictObject({
    pem: z
      .string()
      .min(1)
      .max(64 * 1024),
    ...registration,
  }),
  path: z.strictObject({ path: z.string().min(1), ...registration }),
  // For demos and tests: a certificate made at import time by a throw-away CA, expiring relative
  // to now. Generated only while the contract has no certificate, so a re-import adds nothing.
  generate: z.strictObject({
    generate: z.strictObject({
      expiresInDays: z.number().min(-400).max(800),
      validityDays: z.number().int().min(1).max(825).default(365),
      sans: z.array(z.string()).max(20).optional(),
    }),
  }),
};
type CertificateOption = z.output<(typeof certificateOptions)[keyof typeof certificateOptions]>;

// Chosen by its key rather than as a union, so that a problem inside one (`contractPeriodEnd: 5`)
// is reported at its own path instead of as "none of the three".
const certificateSchema = z.unknown().transform((value, ctx): CertificateOption => {
  const kinds = Object.keys(certificateOptions) as (keyof typeof certificateOptions)[];
  const given = value && typeof value === 'object' ? kinds.filter((k) => k in value) : [];
  const [kind] = given;
  if (!kind || given.length > 1) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected one of: pem (inline PEM), path (a PEM file), generate (demo certificate)',
    });
    return z.NEVER;
  }
  const parsed = certificateOptions[kind].safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

const applicationSchema = z.strictObject({
  kind: applicationKindSchema,
  dn: z.strictObject({
    c: z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected a two-letter country code')
      .default('JP'),
    st: z.string().min(1).max(128),
    l: z.string().min(1).max(128),
    o: z.string().min(1).max(64),
    ou: z.string().max(64).optional(),
    cn: z.string().min(1).max(253),
  }),
  applicant: applicantSchema.strict(),
  periodMonths: periodMonthsSchema,
  csrMethod: csrMethodSchema,
  wwwOption: z.boolean().default(false),
  approverAddress: z.string().email().optional(),
  csrPem: z
    .string()
    .max(64 * 1024)
    .optional(),
  requestedBy: z.string().min(1).max(64),
  requestedAt: instant('refuse'),
});

export const contractSchema = z.strictObject({
  cn: z.string().min(1).max(300),
  category: categorySchema,
  ca: caSchema.optional(),
  product: productIdSchema.optional(),
  periodMonths: periodMonthsSchema.optional(),
  csrMethod: csrMethodSchema.optional(),
  wwwOption: z.boolean().default(false),
  linkedServices: z.array(z.string().min(1).max(128)).max(50).default([]),
  channel: slackChannelId,
  applications: z.array(applicationSchema).max(100).default([]),
  certificates: z.array(certificateSchema).max(100).default([]),
});

export const memberSchema = z.strictObject({ slackUserId, role: memberRoleSchema });

export const serviceGroupSchema = z.strictObject({
  name: z.string().min(1).max(200),
  locale: z.enum(['ja', 'en']).optional(),
  members: z.array(memberSchema).max(1000).default([]),
  contracts: z.array(contractSchema).max(100_000).default([]),
});

/** Top-level keys starting with `x-` are the file's own (as in Docker Compose): a place for anchors. */
const withoutExtensions = (data: unknown) =>
  data && typeof data === 'object' && !Array.isArray(data)
    ? Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('x-')))
    : data;

/** The import file (YAML or JSON): service groups with their members and contracts. */
export const importFileSchema = z.preprocess(
  withoutExtensions,
  z.strictObject({
    serviceGroups: z.array(serviceGroupSchema).min(1, 'expected at least one service group'),
  }),
);

export type ImportFile = z.infer<typeof importFileSchema>;
export type ImportContract = z.infer<typeof contractSchema>;
export type ImportCertificate = z.infer<typeof certificateSchema>;
