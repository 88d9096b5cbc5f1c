import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../kit/deps.ts';
import * as byoRegisterSubmit from './byo-register-submit.ts';
import * as changePeriodSubmit from './change-period-submit.ts';
import * as renewSubmit from './renew-submit.ts';

/** View submissions of the decision modals. */
export function register(app: App, deps: HandlerDeps): void {
  changePeriodSubmit.register(app, deps);
  renewSubmit.register(app, deps);
  byoRegisterSubmit.register(app, deps);
}
