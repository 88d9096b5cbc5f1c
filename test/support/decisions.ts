import { createKeyMaker } from '../../bot/keys/provider-keys.ts';
import type { Database } from '../../db/server/connection.ts';
import { createStore } from '../../db/stores/store.ts';
import type { HandoverChannel } from '../../domain/ports/handover.ts';
import { optOut } from '../../domain/use-cases/opt-out.ts';
import { type RenewalForm, requestRenewal } from '../../domain/use-cases/request-renewal.ts';
import { undoOptOut } from '../../domain/use-cases/undo-opt-out.ts';

/** A master key for tests (32 bytes, hex): provider keys can be generated and sealed. */
export const TEST_MASTER_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/**
 * The customer's decisions, through their use-cases on a store with the given hand-over channels:
 * for suites whose subject comes after the decision (the hand-over, the operations channel).
 */
export function decisions(db: Database, handoverChannels: readonly HandoverChannel[]) {
  const ports = {
    store: createStore(db, { handoverChannels: [...handoverChannels] }),
    keys: createKeyMaker(TEST_MASTER_KEY),
  };
  const expectOk = <T extends { ok: boolean }>(what: string, result: T): T & { ok: true } => {
    if (!result.ok) throw new Error(`${what} refused: ${JSON.stringify(result)}`);
    return result as T & { ok: true };
  };
  return {
    async requestRenewal(
      input: { cycleId: string; userId: string; now: Date },
      form: Partial<RenewalForm> & Pick<RenewalForm, 'csrMethod'>,
    ) {
      return expectOk(
        'requestRenewal',
        await requestRenewal(ports, {
          ...input,
          form: {
            period: 12,
            dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Sample K.K.' },
            applicant: { name: '山田 太郎', email: 'yamada@example.jp' },
            csr: '',
            reuseConfirmed: true,
            www: false,
            approver: null,
            offeredApprovers: null,
            ...form,
          },
        }),
      );
    },
    async optOut(input: { cycleId: string; userId: string; now: Date }) {
      return expectOk('optOut', await optOut(ports, input));
    },
    async undoOptOut(input: { cycleId: string; userId: string; now: Date }) {
      return expectOk('undoOptOut', await undoOptOut(ports, input));
    },
  };
}
