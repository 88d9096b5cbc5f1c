import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, secretsOf } from '../../../bot/app/logger.ts';

const SECRETS = {
  botToken: 'xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOpQrStUvWx',
  appToken: 'xapp-1-A0KIGEN-3333333333-0123456789abcdef0123456789abcdef',
  signingSecret: '8f3a1c0d9e7b6a5f4e3d2c1b0a9f8e7d',
  masterKey: 'q5mK2v8Zr1Tb7Yx0Lw3Nc6Hp9Jd4Fs2Ga8Uo5Ie1Ry7=',
  webhookSecret: 'whsec-back-office-7d9e2f1a4b6c8d0e',
  databasePassword: 'pg-pa55-w0rd-kigen',
  privateKey:
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nPRIVATEKEYBODY\n-----END PRIVATE KEY-----\n',
  encryptedKey:
    '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqENCRYPTEDBODY\n-----END ENCRYPTED PRIVATE KEY-----\n',
  csr: '-----BEGIN CERTIFICATE REQUEST-----\nMIICijCCAXICAQAwRTELMAkGA1UEBhMCSlCSRBODY\n-----END CERTIFICATE REQUEST-----\n',
};
// What must never appear: each secret, and the distinctive bodies of the PEM blocks.
const NEEDLES = [
  SECRETS.botToken,
  SECRETS.appToken,
  SECRETS.signingSecret,
  SECRETS.masterKey,
  SECRETS.webhookSecret,
  SECRETS.databasePassword,
  'PRIVATEKEYBODY',
  'ENCRYPTEDBODY',
  'CSRBODY',
  '2222222222',
];

const env = {
  SLACK_BOT_TOKEN: SECRETS.botToken,
  SLACK_APP_TOKEN: SECRETS.appToken,
  SLACK_SIGNING_SECRET: SECRETS.signingSecret,
  KIGEN_MASTER_KEY: SECRETS.masterKey,
  KIGEN_WEBHOOK_SECRET: SECRETS.webhookSecret,
  DATABASE_URL: `postgres://kigen:${SECRETS.databasePassword}@db.internal:5432/kigen`,
};

function capture(withSecrets: boolean) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger('debug', stream, withSecrets ? { secrets: secretsOf(env) } : {});
  return { logger, lines };
}

/** An error like an HTTP client's, with the request config that carried the credentials. */
function requestError(): Error {
  return Object.assign(new Error(`request failed: token=${SECRETS.botToken}`), {
    code: 'ERR_BAD_RESPONSE',
    config: {
      url: 'https://slack.com/api/chat.postMessage',
      headers: {
        Authorization: `Bearer ${SECRETS.botToken}`,
        'X-Kigen-Signature': `sha256=${SECRETS.webhookSecret}`,
      },
      data: `token=${SECRETS.botToken}&channel=C0123`,
      auth: { password: SECRETS.databasePassword },
    },
    cause: Object.assign(new Error('inner'), { secret: SECRETS.webhookSecret }),
  });
}

function logEverything(logger: ReturnType<typeof createLogger>) {
  logger.info({ token: SECRETS.botToken, appToken: SECRETS.appToken }, 'top level');
  logger.info({ slack: { botToken: SECRETS.botToken, signingSecret: SECRETS.signingSecret } }, 'one level');
  logger.info(
    { config: { operations: { webhook: { secret: SECRETS.webhookSecret } }, masterKey: SECRETS.masterKey } },
    'two levels',
  );
  logger.info(
    {
      a: {
        b: {
          c: {
            d: { privateKey: SECRETS.privateKey, csrPem: SECRETS.csr, KIGEN_MASTER_KEY: SECRETS.masterKey },
          },
        },
      },
    },
    'four levels',
  );
  logger.info({ list: [{ encryptedPrivateKey: SECRETS.encryptedKey }, SECRETS.csr] }, 'in an array');
  logger.info({ note: `pasted: ${SECRETS.privateKey}` }, 'a key inside free text');
  logger.error({ err: requestError() }, 'Slack call failed');
  logger.warn({ error: requestError(), nested: { err: requestError() } }, 'errors under other keys');
  logger.error(requestError());
  logger.info(`message text with ${SECRETS.appToken} and ${SECRETS.botToken}`);
  logger.info({ url: env.DATABASE_URL }, `connecting to ${env.DATABASE_URL}`);
  logger.child({ botToken: SECRETS.botToken, component: 'slack' }).info('child bindings');
}

describe('log redaction', () => {
  it('no token, signing secret, master key, webhook secret, password, private key or CSR appears, at any depth', () => {
    const { logger, lines } = capture(true);
    logEverything(logger);
    expect(lines).toHaveLength(12);
    const all = lines.join('\n');
    for (const needle of NEEDLES) expect(all).not.toContain(needle);
    expect(all).toContain('[redacted]');
    // What is not secret stays readable.
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[6]).toMatchObject({
      msg: 'Slack call failed',
      err: {
        type: 'Error',
        code: 'ERR_BAD_RESPONSE',
        config: { url: 'https://slack.com/api/chat.postMessage' },
      },
    });
    expect(parsed[10]?.msg).toBe('connecting to postgres://kigen:[redacted]@db.internal:5432/kigen');
    expect(parsed[11]).toMatchObject({ component: 'slack', botToken: '[redacted]' });
  });

  it('without the configured values, the patterns and key names still catch every secret that has a shape', () => {
    const { logger, lines } = capture(false);
    logEverything(logger);
    const all = lines.join('\n');
    // Tokens, PEM blocks and URL passwords have a shape; secrets under secret-named keys are caught by name.
    for (const needle of NEEDLES) expect(all).not.toContain(needle);
  });
});
