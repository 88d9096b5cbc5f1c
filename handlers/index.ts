import type { App } from '@slack/bolt';
import * as actions from './actions/index.ts';
import * as opsButtons from './actions/ops-buttons.ts';
import * as commands from './commands/index.ts';
import type { HandlerDeps } from './kit/deps.ts';
import * as views from './views/index.ts';
import * as opsSubmit from './views/ops-submit.ts';

export type { HandlerDeps } from './kit/deps.ts';

/** Every Slack listener of Kigen, one folder per kind (the decisions of issue 5 add theirs here). */
export function registerHandlers(app: App, deps: HandlerDeps): void {
  commands.register(app, deps);
  actions.register(app, deps);
  views.register(app, deps);
  // The provider's staff, in the operations channel (issue 7).
  opsButtons.register(app, deps);
  opsSubmit.register(app, deps);
}
