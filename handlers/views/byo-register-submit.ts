import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { decisionText } from '../../bot/i18n/decisions.ts';
import { formatTokyoDateTime } from '../../bot/i18n/locale.ts';
import { refreshNotice } from '../../bot/notice-refresh.ts';
import { BYO_FIELD_LIMITS } from '../../bot/views/decisions/byo-register-modal.ts';
import { refusalText, whoWhen } from '../../bot/views/decisions/decision-messages.ts';
import { DECISION_VIEWS, messageModal } from '../../bot/views/decisions/modal-parts.ts';
import { codeSpan } from '../../bot/views/mrkdwn.ts';
import { type DecisionContext, decide } from '../../db/decisions.ts';
import { checkByoCertificate, parseCertificateBundle } from '../../domain/index.ts';
import {
  auditRefusal,
  loadForUser,
  parseModalMetadata,
  precheck,
  refusalOfOutcome,
} from '../actions/decision-support.ts';
import type { HandlerDeps } from '../deps.ts';
import { parseState, textOf } from './view-support.ts';

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * R-CHANGE-3: the pasted certificate must be for the contract CN, unexpired and newer than the
 * current one; then, in one transaction, it is stored, the cycle completes and the next one is planned.
 */
export const byoRegisterSubmission =
  (deps: HandlerDeps) =>
  async ({ ack, body, view, client, logger }: SubmitArgs): Promise<void> => {
    const now = deps.now();
    const userId = body.user.id;
    const locale = await deps.userLocale(client, userId);
    const t = decisionText[locale];
    const metadata = parseModalMetadata(view.private_metadata);
    const values = parseState(view);
    const leafText = values ? textOf(values, 'certificate') : null;
    const chainText = values ? textOf(values, 'chain') : null;
    const refuse = async (refusal: Parameters<typeof refusalText>[1], context: DecisionContext | null) => {
      await ack({ response_action: 'update', view: messageModal(locale, refusalText(locale, refusal)) });
      await auditRefusal(
        deps,
        { userId, action: 'registerRenewedCertificate', refusal, context, cycleId: metadata?.c ?? null, now },
        logger,
      );
    };
    if (!metadata || leafText === null || chainText === null) return refuse({ kind: 'invalid' }, null);
    const errors: Record<string, string> = {};
    if (leafText.length > BYO_FIELD_LIMITS.certificate)
      errors.certificate = t.errorTooLong({ max: BYO_FIELD_LIMITS.certificate });
    if (chainText.length > BYO_FIELD_LIMITS.chain)
      errors.chain = t.errorTooLong({ max: BYO_FIELD_LIMITS.chain });
    if (leafText.trim() === '' && !errors.certificate) errors.certificate = t.errorRequired;
    const loaded = await loadForUser(deps, metadata.c, userId);
    if (!loaded.ok) return refuse(loaded.refusal, null);
    const { context, actor } = loaded;
    if (context.contract.category !== 'byo') return refuse({ kind: 'not_for_proxy' }, context);
    const check = precheck(context, { type: 'registerRenewedCertificate', actor }, now);
    if (check.refusal) return refuse(check.refusal, context);
    if (!check.changed) return refuse({ kind: 'already_decided', cycle: context.cycle }, context);
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    const bundle = parseCertificateBundle(`${leafText}\n${chainText}`);
    if (!bundle.ok) {
      await ack({ response_action: 'errors', errors: { certificate: t.certificate[bundle.reason] } });
      return;
    }
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
    if (!accepted.ok) {
      await ack({ response_action: 'errors', errors: { certificate: t.certificate[accepted.reason] } });
      return;
    }
    const outcome = await decide(deps.db, {
      cycleId: context.cycle.id,
      actor,
      commands: [{ type: 'registerRenewedCertificate', actor }],
      now,
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
    const refusal = refusalOfOutcome(outcome, context);
    if (refusal || outcome.kind !== 'decided') {
      await ack({
        response_action: 'update',
        view: messageModal(locale, refusalText(locale, refusal ?? { kind: 'invalid' })),
      });
      return;
    }
    const notAfter = (l: 'ja' | 'en') => formatTokyoDateTime(leaf.notAfter, l);
    await ack({
      response_action: 'update',
      view: messageModal(
        locale,
        t.byoDone({ cn: codeSpan(context.contract.cn), notAfter: notAfter(locale) }),
      ),
    });
    const cycle = outcome.cycle;
    await refreshNotice(client, {
      context,
      cycle,
      now,
      fallbackLocale: deps.locale ?? 'ja',
      clickedMessage: metadata.ch && metadata.ts ? { channel: metadata.ch, ts: metadata.ts } : null,
      logger,
      reply: (l) => {
        const lines = [
          decisionText[l].replyByo({
            ...whoWhen({ ...cycle, decidedBy: userId, decidedAt: now }, l),
            notAfter: notAfter(l),
          }),
        ];
        if (accepted.value.sansChanged) lines.push(decisionText[l].replyByoSansChanged);
        return lines.join('\n');
      },
    });
  };

export function register(app: App, deps: HandlerDeps): void {
  app.view<ViewSubmitAction>(DECISION_VIEWS.byoRegister, byoRegisterSubmission(deps));
}
