import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../deps.ts';
import * as dcvChooseApprover from './dcv-choose-approver.ts';

/** Buttons and other block actions. */
export function register(app: App, deps: HandlerDeps): void {
  dcvChooseApprover.register(app, deps);
}
