import { and, eq, inArray } from 'drizzle-orm';
import { applications } from '../schema.ts';
import type { Database } from '../server/connection.ts';

// The customer's decisions are use-cases now (domain/use-cases/*), on the decision repository
// (./decision-repository.ts). What other entry points still read directly stays here.
export type { DecisionContext, PreviousApplication } from '../../domain/ports/decisions.ts';
export { loadDecisionContext } from './decision-repository.ts';

/** The renewal applications of a cycle (tests and the status view). */
export async function renewalApplicationsOfCycle(db: Database, cycleId: string) {
  return db
    .select()
    .from(applications)
    .where(and(eq(applications.cycleId, cycleId), inArray(applications.kind, ['renewal', 'auto_renewal'])));
}
