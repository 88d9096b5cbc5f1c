import type { App } from '@slack/bolt';
import * as actions from './actions/index.ts';
import * as commands from './commands/index.ts';
import type { HandlerDeps } from './deps.ts';
import * as views from './views/index.ts';

export type { HandlerDeps } from './deps.ts';

/** Every Slack listener of Kigen, one folder per kind (the decisions of issue 5 add theirs here). */
export function registerHandlers(app: App, deps: HandlerDeps): void {
  commands.register(app, deps);
  actions.register(app, deps);
  views.register(app, deps);
}
