import { eq } from 'drizzle-orm';
import type { CommonRepositories } from '../../domain/ports/store.ts';
import { applications, certificates } from '../schema.ts';
import type { Executor } from '../server/connection.ts';

/** Certificates of contracts on PostgreSQL (domain/ports/store.ts), one way for every registration. */
export function certificateRepository(ex: Executor): CommonRepositories['certificates'] {
  return {
    async insert(certificate) {
      // R-CSR-3: the key Kigen generated for the application, still sealed, goes with its certificate.
      const sealed = certificate.applicationId
        ? ((
            await ex
              .select({ key: applications.encryptedPrivateKey })
              .from(applications)
              .where(eq(applications.id, certificate.applicationId))
          )[0]?.key ?? null)
        : null;
      const [inserted] = await ex
        .insert(certificates)
        .values({ ...certificate, sans: [...certificate.sans], encryptedPrivateKey: sealed })
        // certificates_contract_sha256_uq: the same certificate twice is one row.
        .onConflictDoNothing()
        .returning({ id: certificates.id });
      return inserted ?? null;
    },
  };
}
