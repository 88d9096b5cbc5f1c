// The ports of the use-cases, assembled: what the composition root (bot/app) provides to every
// entry point. Each area declares its repositories beside its use-cases; `Repositories` is all of them,
// implemented on PostgreSQL by db/stores/store.ts.

import type { ApplicationRepositories } from './applications.ts';
import type { DecisionRepositories } from './decisions.ts';
import type { DnsResolver } from './dns.ts';
import type { HandoverRepositories } from './handover.ts';
import type { KeyMaker } from './keys.ts';
import type { LookupRepositories } from './lookups.ts';
import type { MessageRepositories } from './messages.ts';
import type { NoticeRepositories } from './notices.ts';
import type { OperationsRepositories } from './operations.ts';
import type { CommonRepositories, Store } from './store.ts';

export type Repositories = CommonRepositories &
  NoticeRepositories &
  ApplicationRepositories &
  HandoverRepositories &
  MessageRepositories &
  OperationsRepositories &
  LookupRepositories &
  DecisionRepositories;

/** Everything a listener's use-case may talk to: storage, keys, live DNS. */
export type KigenPorts = {
  readonly store: Store<Repositories>;
  readonly keys: KeyMaker;
  /** Live DNS for the DCV look-ups (R-DCV-5). */
  readonly dns: DnsResolver;
};
