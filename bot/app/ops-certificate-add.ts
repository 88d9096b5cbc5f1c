import { readFile } from 'node:fs/promises';
import { connect } from '../../db/server/connection.ts';
import { createStore } from '../../db/stores/store.ts';
import { DEFAULT_NOTICE_SETTINGS } from '../../domain/index.ts';
import { registerIssuedCertificate } from '../../domain/use-cases/register-issued-certificate.ts';
import { formatTokyoDateTime } from '../i18n/locale.ts';
import { issueRefusalText } from '../views/operations/ops-modals.ts';
import type { Config } from './config.ts';
import { handoverChannelsOf } from './outbox.ts';

const MAX_FILE_BYTES = 200_000;

/**
 * `kigen certificate add CN FILE.pem`: what the staff's "Certificate issued" does, for scripts. The
 * open application of the contract (proxy) or its open cycle (BYO, R-CHANGE-3); exit 0 when stored or
 * already stored (idempotent), 1 when refused, with the reason on stderr. Same use-case as the button:
 * the operations message and the customer's thread are told through the outbox.
 */
export async function certificateAdd(
  url: string,
  input: { cn: string; file: string; config: Config; now?: Date },
): Promise<number> {
  let pem: string;
  try {
    const buffer = await readFile(input.file);
    if (buffer.length > MAX_FILE_BYTES) {
      process.stderr.write(`kigen: certificate add: ${input.file} is larger than ${MAX_FILE_BYTES} bytes\n`);
      return 1;
    }
    pem = buffer.toString('utf8');
  } catch (error) {
    process.stderr.write(
      `kigen: certificate add: cannot read ${input.file} (${(error as NodeJS.ErrnoException).code ?? 'error'})\n`,
    );
    return 1;
  }
  const connection = connect(url, { max: 2 });
  try {
    // The messages it enqueues (the ops message, the customer's notice and thread) are delivered by
    // the running bot's outbox worker, which finds them at its next poll.
    const store = createStore(connection.db, { handoverChannels: handoverChannelsOf(input.config) });
    const outcome = await registerIssuedCertificate(
      { store },
      {
        actor: { kind: 'cli' },
        target: { cn: input.cn },
        pem,
        now: input.now ?? new Date(),
        settings: { ...DEFAULT_NOTICE_SETTINGS, ...input.config.notices },
      },
    );
    if (!outcome.ok) {
      process.stderr.write(
        `kigen: certificate add: ${input.cn}: ${issueRefusalText('en', outcome, input.cn).replaceAll('`', '')} (${outcome.reason})\n`,
      );
      return 1;
    }
    const expires = formatTokyoDateTime(outcome.certificate.notAfter, 'en');
    if (!outcome.changed) {
      process.stdout.write(
        `${outcome.cn}: this certificate (SHA-256 ${outcome.certificate.sha256}) is already registered; nothing changed.\n`,
      );
      return 0;
    }
    process.stdout.write(
      `${outcome.cn}: certificate registered (SHA-256 ${outcome.certificate.sha256}, expires ${expires}); ` +
        'the renewal is complete and the next one is planned.\n',
    );
    return 0;
  } finally {
    await connection.close();
  }
}
