import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../kit/deps.ts';
import * as dcvChooseApprover from './dcv-choose-approver.ts';
import * as renewalByoRegister from './renewal-byo-register.ts';
import * as renewalChangePeriod from './renewal-change-period.ts';
import * as renewalOptOut from './renewal-opt-out.ts';
import * as renewalRenew from './renewal-renew.ts';
import * as renewalUndoOptOut from './renewal-undo-opt-out.ts';

/** Buttons and other block actions. */
export function register(app: App, deps: HandlerDeps): void {
  dcvChooseApprover.register(app, deps);
  renewalOptOut.register(app, deps);
  renewalUndoOptOut.register(app, deps);
  renewalChangePeriod.register(app, deps);
  renewalRenew.register(app, deps);
  renewalByoRegister.register(app, deps);
}
