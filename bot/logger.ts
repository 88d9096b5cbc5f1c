import pino from 'pino';

// Secrets never reach the logs, whatever object a caller hands over.
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

export type Logger = pino.Logger;

/** The process logger: JSON lines on stdout. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact, base: { app: 'kigen' } }, destination);
}
