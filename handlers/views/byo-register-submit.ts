import type { App, ViewSubmitAction } from '@slack/bolt';
import { formatTokyoDateTime } from '../../bot/i18n/locale.ts';
import { BYO_FIELD_LIMITS } from '../../bot/views/decisions/byo-register-modal.ts';
import { DECISION_VIEWS } from '../../bot/views/decisions/modal-parts.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { registerByoCertificate } from '../../domain/use-cases/register-byo-certificate.ts';
import type { HandlerDeps } from '../kit/deps.ts';
import { decisionSubmission, type FieldErrors, textOf } from '../kit/submission.ts';

/**
 * R-CHANGE-3: the pasted certificate (and its chain) registered by the use-case; field problems go
 * back on their fields, the outbox edits the notice and replies in its thread.
 */
export const byoRegisterSubmission = (deps: HandlerDeps) =>
  decisionSubmission(deps, {
    read: (values) => {
      const leafText = textOf(values, 'certificate');
      const chainText = textOf(values, 'chain');
      return leafText === null || chainText === null ? null : { form: { leafText, chainText } };
    },
    run: async ({ form: { leafText, chainText }, input, locale, t, show, showErrors, refuse }) => {
      const errors: FieldErrors = {};
      if (leafText.length > BYO_FIELD_LIMITS.certificate)
        errors.certificate = t.errorTooLong({ max: BYO_FIELD_LIMITS.certificate });
      if (chainText.length > BYO_FIELD_LIMITS.chain)
        errors.chain = t.errorTooLong({ max: BYO_FIELD_LIMITS.chain });
      if (leafText.trim() === '' && !errors.certificate) errors.certificate = t.errorRequired;
      if (Object.keys(errors).length > 0) return showErrors(errors);
      const result = await registerByoCertificate(deps.ports, {
        ...input,
        pem: `${leafText}\n${chainText}`,
        settings: deps.noticeSettings,
      });
      if (!result.ok) return refuse(result);
      deps.wakeOutbox?.();
      await show(
        t.byoDone({
          cn: codeSpan(result.contract.cn),
          notAfter: formatTokyoDateTime(result.certificate.notAfter, locale),
        }),
      );
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(DECISION_VIEWS.byoRegister, byoRegisterSubmission(deps));
}
