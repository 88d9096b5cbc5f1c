import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_NOTICE_SETTINGS, parseMasterKey } from '../../domain/index.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour), e.g. 09:00');
const days = (max: number) => z.coerce.number().int().min(1).max(max);
const optionalSecret = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
/** A Slack token of one kind, told by its prefix; the message never shows the value. */
const slackToken = (prefix: string, kind: string) =>
  optionalSecret.refine(
    (v) => v === undefined || v.startsWith(prefix),
    `expected ${kind} (${prefix}…); check that the two Slack tokens are not swapped`,
  );

/**
 * Every environment variable Kigen reads, with its default and meaning. The README's table is checked
 * against this list by a test, so the two cannot drift apart.
 */
export const configVariables = {
  DATABASE_URL: {
    schema: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .optional()
      .refine(
        (v) => v === undefined || isPostgresUrl(v),
        'expected postgres://user:password@host:port/database',
      ),
    default: '(none: embedded PostgreSQL)',
    doc: 'PostgreSQL server to use. Without it Kigen starts an embedded PostgreSQL with its data in KIGEN_DATA_DIR.',
  },
  KIGEN_DATA_DIR: {
    schema: z.string().default('.kigen'),
    default: '.kigen',
    doc: 'Directory for the embedded PostgreSQL data and the process lock (relative to the working directory).',
  },
  SLACK_BOT_TOKEN: {
    schema: slackToken('xoxb-', 'a bot token'),
    default: '(none: dry-run)',
    doc: 'Bot token (`xoxb-…`; another kind stops the start). Without it Kigen runs in dry-run: due notices are printed, nothing is posted.',
  },
  SLACK_APP_TOKEN: {
    schema: slackToken('xapp-', 'an app-level token'),
    default: '(none)',
    doc: 'App-level token (`xapp-…`, scope `connections:write`; another kind stops the start): selects Socket Mode.',
  },
  SLACK_SIGNING_SECRET: {
    schema: optionalSecret,
    default: '(none)',
    doc: 'Signing secret: selects the HTTP receiver when SLACK_APP_TOKEN is not set.',
  },
  SLACK_API_URL: {
    schema: z.string().url().optional(),
    default: '(Slack)',
    doc: 'Base URL of the Slack Web API, for staging and tests.',
  },
  PORT: {
    schema: z.coerce.number().int().min(1).max(65535).default(3000),
    default: '3000',
    doc: 'Port of the HTTP receiver (`POST /slack/events`, `GET /healthz`, `GET /metrics`).',
  },
  KIGEN_HTTP_PORT: {
    schema: z
      .string()
      .trim()
      .default('3001')
      .transform((v) => (v === '' ? '3001' : v.toLowerCase()))
      .refine(
        (v) => v === 'off' || (/^\d{1,5}$/.test(v) && Number(v) <= 65535),
        'expected a port (0-65535) or off',
      )
      .transform((v) => (v === 'off' ? null : Number(v))),
    default: '3001',
    doc: 'Port of `GET /healthz` and `GET /metrics` in Socket Mode and dry-run (the HTTP receiver serves them on PORT). `off`: not served; `0`: any free port (logged).',
  },
  KIGEN_LOCALE: {
    schema: z.enum(['ja', 'en']).default('ja'),
    default: 'ja',
    doc: 'Language of messages when the Slack user’s locale is unknown.',
  },
  KIGEN_MASTER_KEY: {
    // The key maker's own rule (parseMasterKey): what it would refuse later is refused at start.
    schema: optionalSecret.refine(
      (v) => v === undefined || parseMasterKey(v).ok,
      'expected 32 bytes as base64 or hex, e.g. the output of openssl rand -base64 32',
    ),
    default: '(none)',
    doc: 'Key that encrypts generated private keys at rest: exactly 32 bytes as base64 or hex (`openssl rand -base64 32`); anything else stops the start. Without it Kigen refuses to generate keys (in Slack mode with proxy contracts: a warning at start, `masterKey` in `/healthz`).',
  },
  KIGEN_DELIVERY_TIME: {
    schema: hhmm.default('09:00'),
    default: '09:00',
    doc: 'Delivery time of notices, Asia/Tokyo (R-NOTICE-4).',
  },
  KIGEN_DECISION_DEADLINE_DAYS: {
    schema: days(29).default(26),
    default: '26',
    doc: 'Decision deadline in days before expiry: renew, change the period or opt out (R-AUTO-5).',
  },
  KIGEN_DATA_DEADLINE_DAYS: {
    schema: days(29).default(21),
    default: '21',
    doc: 'Data deadline in days before expiry: DN, CSR and approver data; auto-renewal after it (R-AUTO-5).',
  },
  KIGEN_DRY_RUN_BLOCKS: {
    schema: z
      .enum(['0', '1', ''])
      .default('0')
      .transform((v) => v === '1'),
    default: '0',
    doc: 'In dry-run, `1` also prints the Block Kit JSON of each notice.',
  },
  KIGEN_OUTBOX_LEASE_SECONDS: {
    schema: z.coerce.number().int().min(5).max(600).default(60),
    default: '60',
    doc: 'How long a replica holds a Slack channel’s lane without renewing it: after a kill -9 or an OOM kill, the lanes it held are taken over after this. Renewed every quarter of it.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    default: 'info',
    doc: 'pino log level.',
  },
  KIGEN_OPS_CHANNEL: {
    schema: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .optional()
      .refine(
        (v) => v === undefined || /^[CG][A-Z0-9]{2,30}$/.test(v),
        'expected a Slack channel id, e.g. C0123ABCD',
      ),
    default: '(none)',
    doc: 'Operations channel of the provider’s staff: every renewal application and opt-out is posted there, with buttons Submitted to CA, Certificate issued, Rejected.',
  },
  KIGEN_OPS_USERS: {
    schema: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((u) => u.trim())
          .filter((u) => u !== ''),
      )
      .refine(
        (ids) => ids.every((id) => /^[UW][A-Z0-9]{2,30}$/.test(id)),
        'expected Slack user ids, comma-separated',
      ),
    default: '(none)',
    doc: 'Provider staff allowed to press the operations buttons (Slack user ids, comma-separated), besides the members of KIGEN_OPS_CHANNEL.',
  },
  KIGEN_WEBHOOK_URL: {
    schema: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .optional()
      .refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), 'expected an http(s) URL'),
    default: '(none)',
    doc: 'Back-office endpoint: every hand-over event is POSTed there as signed JSON, retried until a 2xx.',
  },
  KIGEN_WEBHOOK_SECRET: {
    schema: optionalSecret,
    default: '(none)',
    doc: 'HMAC-SHA256 key of the X-Kigen-Signature header; required with KIGEN_WEBHOOK_URL (at least 16 characters).',
  },
} as const;

type Vars = typeof configVariables;
const envSchema = z
  .object(
    Object.fromEntries(Object.entries(configVariables).map(([k, v]) => [k, v.schema])) as {
      [K in keyof Vars]: Vars[K]['schema'];
    },
  )
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP receiver)',
      });
    }
    if (!env.SLACK_BOT_TOKEN && (env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'is missing, but SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set',
      });
    }
    if (env.KIGEN_WEBHOOK_URL && !env.KIGEN_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['KIGEN_WEBHOOK_SECRET'],
        message: 'is missing, but KIGEN_WEBHOOK_URL is set: webhook deliveries are always signed',
      });
    }
    if (env.KIGEN_WEBHOOK_SECRET && env.KIGEN_WEBHOOK_SECRET.length < 16) {
      ctx.addIssue({
        code: 'custom',
        path: ['KIGEN_WEBHOOK_SECRET'],
        message: 'must be at least 16 characters',
      });
    }
    if (env.KIGEN_OPS_CHANNEL && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['KIGEN_OPS_CHANNEL'],
        message: 'needs SLACK_BOT_TOKEN (nothing can be posted in dry-run)',
      });
    }
    if (env.KIGEN_DATA_DEADLINE_DAYS > env.KIGEN_DECISION_DEADLINE_DAYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['KIGEN_DATA_DEADLINE_DAYS'],
        message: 'must not be more days before expiry than KIGEN_DECISION_DEADLINE_DAYS',
      });
    }
  });

export type SlackMode =
  | { kind: 'socket'; botToken: string; appToken: string }
  | { kind: 'http'; botToken: string; signingSecret: string; port: number }
  | { kind: 'dry-run' };

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof envSchema>, cwd: string) {
  const slack: SlackMode = !env.SLACK_BOT_TOKEN
    ? { kind: 'dry-run' }
    : env.SLACK_APP_TOKEN
      ? { kind: 'socket', botToken: env.SLACK_BOT_TOKEN, appToken: env.SLACK_APP_TOKEN }
      : {
          kind: 'http',
          botToken: env.SLACK_BOT_TOKEN,
          signingSecret: env.SLACK_SIGNING_SECRET ?? '',
          port: env.PORT,
        };
  return {
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(cwd, env.KIGEN_DATA_DIR),
    slack,
    slackApiUrl: env.SLACK_API_URL,
    /** Health and metrics server of Socket Mode and dry-run; null: off. */
    httpPort: env.KIGEN_HTTP_PORT,
    locale: env.KIGEN_LOCALE,
    masterKey: env.KIGEN_MASTER_KEY,
    /** The notice schedule's settings (R-NOTICE-4, R-AUTO-5), complete: pass them as they are. */
    notices: {
      ...DEFAULT_NOTICE_SETTINGS,
      deliveryTime: env.KIGEN_DELIVERY_TIME,
      decisionDeadlineDays: env.KIGEN_DECISION_DEADLINE_DAYS,
      dataDeadlineDays: env.KIGEN_DATA_DEADLINE_DAYS,
    },
    dryRunBlocks: env.KIGEN_DRY_RUN_BLOCKS,
    /** The outbox engine: lane lease (a dead replica's lanes are back in play after it). */
    outbox: { leaseMs: env.KIGEN_OUTBOX_LEASE_SECONDS * 1000 },
    logLevel: env.LOG_LEVEL,
    /** Hand-over to the provider's back office (issue 7). */
    operations: {
      channel: env.KIGEN_OPS_CHANNEL,
      users: env.KIGEN_OPS_USERS,
      webhook:
        env.KIGEN_WEBHOOK_URL && env.KIGEN_WEBHOOK_SECRET
          ? { url: env.KIGEN_WEBHOOK_URL, secret: env.KIGEN_WEBHOOK_SECRET }
          : undefined,
    },
  };
}

export type ConfigResult = { ok: true; value: Config } | { ok: false; problems: string[] };

/** Parses the environment once at start-up; each problem names its variable, never its value. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`),
    };
  }
  return { ok: true, value: toConfig(parsed.data, cwd) };
}

function isPostgresUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
  } catch {
    return false;
  }
}
