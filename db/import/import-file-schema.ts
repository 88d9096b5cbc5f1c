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

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{6,}$/, 'expected a Slack user id such as U0123ABCD');
const slackChannelId = z
  .string()
  .regex(/^[CG][A-Z0-9]{6,}$/, 'expected a Slack channel id such as C0123ABCD');
const instant = z.coerce.date({ message: 'expected a date-time such as 2026-04-01T10:00:00+09:00' });

const registration = {
  registeredBy: z.string().optional(),
  // R-CABF-2: a proxy certificate shorter than its contract period (capped validity) names the end
  // of that period, so that the renewal is planned there and a re-issue notice at the certificate's end.
  contractPeriodEnd: instant.optional(),
};

const certificateSchema = z.union(
  [
    z.strictObject({
      pem: z
        .string()
        .min(1)
        .max(64 * 1024),
      ...registration,
    }),
    z.strictObject({ path: z.string().min(1), ...registration }),
    // For demos and tests: a certificate made at import time by a throw-away CA, expiring relative
    // to now. Generated only while the contract has no certificate, so a re-import adds nothing.
    z.strictObject({
      generate: z.strictObject({
        expiresInDays: z.number().min(-400).max(800),
        validityDays: z.number().int().min(1).max(825).default(365),
        sans: z.array(z.string()).max(20).optional(),
      }),
    }),
  ],
  { message: 'expected one of: pem (inline PEM), path (a PEM file), generate (demo certificate)' },
);

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
  requestedAt: instant,
});

const contractSchema = z.strictObject({
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

/** The import file (YAML or JSON): service groups with their members and contracts. */
export const importFileSchema = z.strictObject({
  serviceGroups: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200),
        locale: z.enum(['ja', 'en']).optional(),
        members: z
          .array(z.strictObject({ slackUserId, role: memberRoleSchema }))
          .max(1000)
          .default([]),
        contracts: z.array(contractSchema).max(100_000).default([]),
      }),
    )
    .min(1, 'expected at least one service group'),
});

export type ImportFile = z.infer<typeof importFileSchema>;
export type ImportContract = z.infer<typeof contractSchema>;
export type ImportCertificate = z.infer<typeof certificateSchema>;
