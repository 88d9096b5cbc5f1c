import type { App, ViewSubmitAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { formatTokyoDateTime, type Locale } from '../../bot/i18n/locale.ts';
import { BYO_FIELD_LIMITS } from '../../bot/views/decisions/byo-register-modal.ts';
import { refusalText, whoWhen } from '../../bot/views/decisions/decision-messages.ts';
import { DECISION_VIEWS } from '../../bot/views/decisions/modal-parts.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { checkByoCertificate, parseCertificateBundle } from '../../domain/index.ts';
import { precheck } from '../kit/decision-button.ts';
import type { HandlerDeps } from '../kit/deps.ts';
import { decisionSubmission, type FieldErrors, textOf } from '../kit/submission.ts';

/**
 * R-CHANGE-3: the pasted certificate must be for the contract CN, unexpired and newer than the
 * current one; then, in one transaction, it is stored, the cycle completes and the next one is planned.
 */
export const byoRegisterSubmission = (deps: HandlerDeps) =>
  decisionSubmission(deps, {
    action: 'registerRenewedCertificate',
    read: (values) => {
      const leafText = textOf(values, 'certificate');
      const chainText = textOf(values, 'chain');
      return leafText === null || chainText === null ? null : { form: { leafText, chainText } };
    },
    run: async ({ form: { leafText, chainText }, context, actor, userId, locale, t, now, ...answer }) => {
      const errors: FieldErrors = {};
      if (leafText.length > BYO_FIELD_LIMITS.certificate)
        errors.certificate = t.errorTooLong({ max: BYO_FIELD_LIMITS.certificate });
      if (chainText.length > BYO_FIELD_LIMITS.chain)
        errors.chain = t.errorTooLong({ max: BYO_FIELD_LIMITS.chain });
      if (leafText.trim() === '' && !errors.certificate) errors.certificate = t.errorRequired;
      if (context.contract.category !== 'byo') return { kind: 'not_for_proxy' };
      const check = precheck(context, { type: 'registerRenewedCertificate', actor }, now);
      if (check.refusal) return check.refusal;
      if (!check.changed) return { kind: 'already_decided', cycle: context.cycle };
      if (Object.keys(errors).length > 0) return answer.showErrors(errors);
      const bundle = parseCertificateBundle(`${leafText}\n${chainText}`);
      if (!bundle.ok) return answer.showErrors({ certificate: t.certificate[bundle.reason] });
      const leaf = bundle.value.leaf;
      const accepted = checkByoCertificate({
        contractCn: context.contract.cn,
        certificate: {
          subjectCn: leaf.commonName,
          sans: leaf.dnsNames,
          notBefore: leaf.notBefore,
          notAfter: leaf.notAfter,
        },
        current: context.certificate
          ? { notAfter: context.certificate.notAfter, sans: context.certificate.sans }
          : null,
        now,
      });
      if (!accepted.ok) return answer.showErrors({ certificate: t.certificate[accepted.reason] });
      const decided = await answer.decide({
        commands: [{ type: 'registerRenewedCertificate', actor }],
        firstMustChange: true,
        certificate: {
          pem: leaf.pem,
          chainPem: bundle.value.others.length > 0 ? bundle.value.others.map((c) => c.pem).join('') : null,
          serial: leaf.serialNumber,
          subject: leaf.subject,
          subjectCn: leaf.commonName,
          sans: leaf.dnsNames,
          issuer: leaf.issuer,
          notBefore: leaf.notBefore,
          notAfter: leaf.notAfter,
          sha256: leaf.fingerprintSha256Hex,
          publicKeySha256: leaf.publicKey.spkiSha256,
        },
        ...(deps.noticeSettings ? { planning: { settings: deps.noticeSettings } } : {}),
        detail: { sha256: leaf.fingerprintSha256Hex, sansChanged: accepted.value.sansChanged },
      });
      if (!decided.ok) return answer.show(refusalText(locale, decided.refusal));
      const notAfter = (l: Locale) => formatTokyoDateTime(leaf.notAfter, l);
      await answer.show(t.byoDone({ cn: codeSpan(context.contract.cn), notAfter: notAfter(locale) }));
      const cycle = decided.cycle;
      await answer.refresh(cycle, (l) => {
        const lines = [
          decisionText[l].replyByo({
            ...whoWhen({ ...cycle, decidedBy: userId, decidedAt: now }, l),
            notAfter: notAfter(l),
          }),
        ];
        if (accepted.value.sansChanged) lines.push(decisionText[l].replyByoSansChanged);
        return lines.join('\n');
      });
    },
  });

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(DECISION_VIEWS.byoRegister, byoRegisterSubmission(deps));
}
