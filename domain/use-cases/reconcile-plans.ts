import type { CommonRepositories, Store } from '../ports/store.ts';
import type { NoticeSettings } from '../rules/notice-schedule.ts';

const PAGE = 5_000;

/**
 * Plans what was missed (contracts loaded in bulk, certificates registered while planning failed):
 * every active contract whose current certificate has no cycle gets its cycle and notices
 * (R-NOTICE-1, R-NOTICE-2). Page by page, one transaction each, so a million missing plans never sit
 * in one transaction's memory.
 */
export async function reconcilePlans(
  ports: { readonly store: Store<CommonRepositories> },
  input: {
    readonly now: Date;
    readonly settings: NoticeSettings;
    readonly onPage?: (planned: number) => void;
  },
): Promise<number> {
  let contracts = 0;
  for (let page = 0; page < 1_000; page++) {
    const missing = await ports.store.planning.contractsMissingPlan(PAGE);
    if (missing.length === 0) break;
    const planned = await ports.store.transaction((tx) =>
      tx.planning.planRenewals(missing, {
        settings: input.settings,
        now: input.now,
        actor: 'system:reconcile',
      }),
    );
    contracts += missing.length;
    input.onPage?.(missing.length);
    // A page that planned no cycle would come back unchanged: stop rather than spin.
    if (missing.length < PAGE || planned.cyclesCreated === 0) break;
  }
  return contracts;
}
