import { eq, sql } from 'drizzle-orm';
import { ANNOUNCEMENT_KINDS } from '../../domain/index.ts';
import type { HandoverChannel } from '../../domain/ports/handover.ts';
import type { Repositories } from '../../domain/ports/index.ts';
import { isRolledBack, type RolledBack, type Store } from '../../domain/ports/store.ts';
import { contracts } from '../schema.ts';
import type { Database, Executor } from '../server/connection.ts';
import { applicationRepository } from './application-repository.ts';
import { certificateRepository } from './certificate-repository.ts';
import { decisionRepository } from './decision-repository.ts';
import { enqueueHandover } from './handover-enqueue.ts';
import { loadHandoverDelivery, markHandoverDelivered } from './handover-repository.ts';
import { lookupRepository } from './lookup-repository.ts';
import { messageRepository } from './message-repository.ts';
import { loadNoticeContexts, markSent, selectDueNotices, setCycleParentMessage } from './notices-outbox.ts';
import { operationsRepository } from './operations-repository.ts';
import { findCycle, recordAudit, saveTransition, updateCycle } from './renewal-cycles.ts';
import { contractsMissingPlan, planRenewals } from './renewal-planning.ts';

export type { Repositories };

const ROLLBACK = new Error('rolled back by the work');

export type StoreOptions = {
  /** The channels hand-over events go to (KIGEN_OPS_CHANNEL, KIGEN_WEBHOOK_URL of this deployment). */
  readonly handoverChannels: readonly HandoverChannel[];
  /** Called after a commit that enqueued outbox work (the composition root wakes the outbox worker). */
  readonly onEnqueued?: () => void;
};

function repositoriesOn(ex: Executor, options: StoreOptions, enqueued: () => void): Repositories {
  return {
    audit: { record: (entry) => recordAudit(ex, entry) },
    cycles: {
      async find(cycleId, lock) {
        if (lock?.lock) await ex.execute(sql`select id from renewal_cycles where id = ${cycleId} for update`);
        return findCycle(ex, cycleId);
      },
      save: (seenVersion, transition) => saveTransition(ex, seenVersion, transition),
      apply: (cycleId, command, now) => updateCycle(ex, cycleId, command, now),
      setParentMessage: (cycleId, message) => setCycleParentMessage(ex, cycleId, message),
    },
    certificates: certificateRepository(ex),
    contracts: {
      async cancel(contractId, now) {
        await ex
          .update(contracts)
          .set({ status: 'cancelled', updatedAt: now })
          .where(eq(contracts.id, contractId));
      },
    },
    planning: {
      planRenewals: (ids, planning) => planRenewals(ex, ids, planning),
      contractsMissingPlan: (limit) => contractsMissingPlan(ex, limit),
    },
    handover: {
      async enqueue(fact) {
        await enqueueHandover(ex, fact, options.handoverChannels);
        enqueued();
      },
    },
    notices: {
      async context(noticeId, now) {
        return (await loadNoticeContexts(ex, [noticeId], { now, kinds: ANNOUNCEMENT_KINDS }))[0] ?? null;
      },
      markSent: (claim, sent) => markSent(ex, claim, sent),
      dueIds: (now, limit) => selectDueNotices(ex, { now, limit }),
    },
    applications: applicationRepository(ex),
    handoverDeliveries: {
      load: (deliveryId) => loadHandoverDelivery(ex, deliveryId),
      markDelivered: (claim, outcome) => markHandoverDelivered(ex, claim, outcome),
    },
    messages: messageRepository(ex, enqueued),
    operations: operationsRepository(ex),
    lookups: lookupRepository(ex),
    decisions: decisionRepository(ex),
  };
}

/**
 * The use-cases' storage on PostgreSQL. Outside `transaction` every call commits by itself; inside,
 * everything commits together. Outbox work enqueued in a transaction wakes the worker after its commit.
 */
export function createStore(db: Database, options: StoreOptions): Store<Repositories> {
  const wake = () => options.onEnqueued?.();
  return {
    ...repositoriesOn(db, options, wake),
    async transaction<T>(work: (tx: Repositories) => Promise<T | RolledBack<T>>): Promise<T> {
      let enqueued = false;
      let undone: RolledBack<T> | null = null;
      try {
        const result = await db.transaction(async (tx) => {
          const outcome = await work(repositoriesOn(tx, options, () => (enqueued = true)));
          if (!isRolledBack(outcome)) return outcome as T;
          undone = outcome as RolledBack<T>;
          // drizzle rolls back on a throw: our own signal, caught below and answered with the value.
          throw ROLLBACK;
        });
        if (enqueued) wake();
        return result;
      } catch (error) {
        if (error === ROLLBACK && undone !== null) return (undone as RolledBack<T>).value;
        throw error;
      }
    },
  };
}
