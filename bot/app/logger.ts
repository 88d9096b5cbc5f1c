import pino from 'pino';

// Secrets never reach the logs, whatever object a caller hands over. Three nets:
// 1. values of secret-named keys at any depth (errors included: an HTTP error's request config
//    carries the Authorization header) are replaced (`scrubObject`);
// 2. strings that look like secrets (Slack tokens, PEM private keys and CSRs, Bearer credentials,
//    passwords in URLs, form-encoded tokens) are cut out of every string, the message included;
// 3. the configured secrets themselves (tokens, signing secret, master key, webhook secret,
//    database password) are cut out literally wherever they appear (`secrets` of createLogger).
// pino's `redact` paths stay as a last net for the top levels.
const redact = {
  paths: [
    'token',
    '*.token',
    'botToken',
    '*.botToken',
    'appToken',
    '*.appToken',
    'signingSecret',
    '*.signingSecret',
    'masterKey',
    '*.masterKey',
    'webhookSecret',
    '*.webhookSecret',
    'secret',
    '*.secret',
    'privateKey',
    '*.privateKey',
    'encryptedPrivateKey',
    '*.encryptedPrivateKey',
    'csrPem',
    '*.csrPem',
    'headers.authorization',
    '*.headers.authorization',
  ],
  censor: '[redacted]',
};

const CENSOR = '[redacted]';
/** Key names (lower-case, without `_` and `-`) whose values are secret, by their ending. */
const SECRET_KEY =
  /(token|secret|password|passwd|privatekey|privatekeypem|masterkey|authorization|cookie|csr|csrpem|apikey|signature)$/;
const normaliseKey = (key: string) => key.toLowerCase().replace(/[_-]/g, '');
export const isSecretKey = (key: string): boolean => SECRET_KEY.test(normaliseKey(key));

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // Slack bot, user, app-level and configuration tokens.
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, `xox-${CENSOR}`],
  [/\bxapp-[A-Za-z0-9-]+/g, `xapp-${CENSOR}`],
  // Private keys (any kind, encrypted too) and certificate signing requests.
  [
    /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY|(NEW )?CERTIFICATE REQUEST)-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g,
    `[redacted $1]`,
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${CENSOR}`],
  // user:password@ in URLs (DATABASE_URL).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/\s]+@/gi, `$1${CENSOR}@`],
  // Form-encoded credentials (Web API request bodies).
  [/\b(token|client_secret|password|secret)=[^&\s"]+/gi, `$1=${CENSOR}`],
];

/** The text with every known secret value and secret-looking string replaced. */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 10;

/** A copy of `value` with secrets replaced; errors become pino's serialised form first. */
export function scrubObject(
  value: unknown,
  secrets: readonly string[] = [],
  depth = 0,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) return scrubObject(pino.stdSerializers.err(value), secrets, depth + 1, seen);
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, secrets, depth + 1, seen));
  if (value instanceof Date || value instanceof URL) return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof Map) return scrubObject(Object.fromEntries(value), secrets, depth + 1, seen);
  if (value instanceof Headers)
    return scrubObject(Object.fromEntries(value.entries()), secrets, depth + 1, seen);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && v !== null && v !== undefined && v !== ''
        ? CENSOR
        : scrubObject(v, secrets, depth + 1, seen);
  }
  return out;
}

export type Logger = pino.Logger;

export type LoggerOptions = {
  /** Values that must never appear in a log line (tokens, secrets, keys of the configuration). */
  readonly secrets?: readonly (string | undefined)[];
};

/** The process logger: JSON lines on stdout. */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: LoggerOptions = {},
): Logger {
  // Short values would cut ordinary words out of the logs; real secrets are long.
  const secrets = [
    ...new Set((options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8)),
  ];
  return pino(
    {
      level,
      redact,
      base: { app: 'kigen' },
      formatters: {
        log: (object) => scrubObject(object, secrets) as Record<string, unknown>,
        bindings: (bindings) => scrubObject(bindings, secrets) as Record<string, unknown>,
      },
      // Errors were serialised (and scrubbed) by the log formatter already.
      serializers: {
        err: (value: unknown) => (value instanceof Error ? scrubObject(value, secrets) : value),
      },
      hooks: {
        logMethod(args, method) {
          // `log.error(err)` takes its message from the error, past the formatters: make it explicit.
          const [first, ...rest] = args as unknown[];
          const explicit =
            first instanceof Error && typeof rest[0] !== 'string'
              ? [{ err: first }, first.message, ...rest]
              : args;
          const scrubbed = explicit.map((a) => (typeof a === 'string' ? scrubText(a, secrets) : a));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** The configured secrets of a process environment, for `createLogger`'s `secrets`. */
export function secretsOf(env: NodeJS.ProcessEnv): string[] {
  const values = [
    env.SLACK_BOT_TOKEN,
    env.SLACK_APP_TOKEN,
    env.SLACK_SIGNING_SECRET,
    env.KIGEN_MASTER_KEY,
    env.KIGEN_WEBHOOK_SECRET,
  ];
  try {
    if (env.DATABASE_URL) values.push(decodeURIComponent(new URL(env.DATABASE_URL).password));
  } catch {}
  return values.map((v) => v?.trim()).filter((v): v is string => !!v);
}
