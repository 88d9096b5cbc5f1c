import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Locale } from '../../bot/i18n/locale.ts';
import { productNameOf } from '../../bot/views/decisions/modal-parts.ts';
import { renewModal } from '../../bot/views/decisions/renew-modal.ts';
import { NOTICE_ACTIONS } from '../../bot/views/notice-message.ts';
import {
  approverChoices,
  prepareRenewal,
  type RenewalFormData,
} from '../../domain/use-cases/prepare-decision-form.ts';
import { decisionButton, type ModalMetadata } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';

/** The Renew modal as the previous application fills it. */
function renewModalFor(
  form: RenewalFormData,
  locale: Locale,
  metadata: ModalMetadata,
  approver: { readonly choices: readonly string[]; readonly lookupFailed: boolean } | null,
) {
  return renewModal({
    locale,
    cn: form.contract.cn,
    productName: productNameOf(form.product, locale),
    choices: form.choices,
    period: form.period,
    dn: form.previous.dn,
    applicant: form.previous.applicant,
    csrMethod: form.previous.csrMethod,
    www: form.www,
    approver: form.approver
      ? {
          choices: approver?.choices ?? null,
          previous: form.approver.previous,
          lookupFailed: approver?.lookupFailed ?? false,
        }
      : null,
    privateMetadata: JSON.stringify({ ...metadata, ...(approver ? { ap: approver.choices } : {}) }),
  });
}

/**
 * "Renew" of a proxy item: the modal opens right after the ack, inside the trigger's 3 s; for
 * GlobalSign the approver choices are looked up in DNS afterwards and filled in with `views.update`
 * and the view's hash (R-DCV-5: the look-up may take seconds).
 */
export const renewButton = (deps: HandlerDeps) =>
  decisionButton(deps, async ({ input, locale, args, modalMetadata, refuse }) => {
    const { client, body, logger } = args;
    const form = await prepareRenewal(deps.ports, input);
    if (!form.ok) return refuse(form);
    const opened = await client.views.open({
      trigger_id: body.trigger_id,
      view: renewModalFor(form, locale, modalMetadata, null),
    });
    if (!form.approver || !opened.view?.id) return;
    const approver = await approverChoices(deps.ports, {
      cn: form.contract.cn,
      previous: form.approver.previous,
      now: input.now,
    });
    try {
      await client.views.update({
        view_id: opened.view.id,
        hash: opened.view.hash,
        view: renewModalFor(form, locale, modalMetadata, approver),
      });
    } catch (error) {
      // hash_conflict: the user already moved on (or submitted); their view wins.
      logger.warn({ err: error }, 'The Renew modal could not be filled with the approver choices');
    }
  });

export function register(app: App, deps: HandlerDeps): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.renew, renewButton(deps));
}
