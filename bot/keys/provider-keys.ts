import { encryptPrivateKey, generateKeyAndCsr, parseMasterKey } from '../../domain/index.ts';
import type { KeyMaker } from '../../domain/ports/keys.ts';

/**
 * R-CSR-3: provider keys sealed with KIGEN_MASTER_KEY, bound to their contract (the encryption
 * context), so that one rule opens every stored key, on its application and later on its certificate.
 * The plaintext key lives only inside `generate`.
 */
export function createKeyMaker(masterKeyText: string | undefined): KeyMaker {
  const parsed = parseMasterKey(masterKeyText);
  return {
    available: parsed.ok,
    async generate({ dn, sans, contractId }) {
      if (!parsed.ok) return parsed;
      const generated = await generateKeyAndCsr(dn, { sans });
      if (!generated.ok) return generated;
      return {
        ok: true,
        value: {
          csrPem: generated.value.csrPem,
          sealedPrivateKey: encryptPrivateKey(generated.value.privateKeyPkcs8Pem, parsed.value, {
            context: contractId,
          }),
          publicKeySha256: generated.value.publicKeySha256,
        },
      };
    },
  };
}
