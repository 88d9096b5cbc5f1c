import { estimateValidity, findProduct, vettingExpectations } from '../../domain/index.ts';
import type { ThreadReply } from '../../domain/ports/messages.ts';
import type { ContractFacts } from '../../domain/ports/read-models.ts';
import { decisionText } from '../i18n/decisions.ts';
import { formatTokyoDateTime, type Locale } from '../i18n/locale.ts';
import { noticeText } from '../i18n/notices.ts';
import { operationsText } from '../i18n/operations.ts';
import { estimateLine } from './decisions/modal-parts.ts';
import { codeSpan, mention } from './mrkdwn.ts';

/** Who did it, as the channel reads it: a mention, or Kigen for the system. */
const who = (by: string): string =>
  mention(by) ?? (by === '' || by.startsWith('system:') ? 'Kigen' : codeSpan(by, 64));

/**
 * The mrkdwn of a thread reply in the channel's language: what happened, by whom and when, and what
 * comes next (R-VETTING-1 after a renewal request). Pure: drawn from the reply's data and the contract.
 */
export function threadReplyText(reply: ThreadReply, contract: ContractFacts, locale: Locale): string {
  const t = decisionText[locale];
  const when = (iso: string) => formatTokyoDateTime(new Date(iso), locale);
  switch (reply.kind) {
    case 'opted_out':
      return t.replyOptOut({
        who: who(reply.by),
        at: when(reply.at),
        expiry: when(reply.expiry),
        deadline: when(reply.deadline),
      });
    case 'opt_out_undone':
      return t.replyUndo({ who: who(reply.by), at: when(reply.at) });
    case 'period_changed':
      return t.replyPeriod({
        who: who(reply.by),
        at: when(reply.at),
        period: noticeText[locale].period(reply.periodMonths),
      });
    case 'byo_registered': {
      const lines = [t.replyByo({ who: who(reply.by), at: when(reply.at), notAfter: when(reply.notAfter) })];
      if (reply.sansChanged) lines.push(t.replyByoSansChanged);
      return lines.join('\n');
    }
    case 'certificate_issued':
      return operationsText[locale].replyIssued({
        cn: codeSpan(contract.cn),
        notAfter: when(reply.notAfter),
      });
    case 'application_rejected':
      return operationsText[locale].replyRejected({
        cn: codeSpan(contract.cn),
        reason: codeSpan(reply.reason, 1_000),
      });
    case 'renewal_requested':
      return renewalRequestedText(reply, contract, locale);
  }
}

function renewalRequestedText(
  reply: Extract<ThreadReply, { kind: 'renewal_requested' }>,
  contract: ContractFacts,
  locale: Locale,
): string {
  const t = decisionText[locale];
  const product = findProduct(contract.productId ?? '');
  const estimate = product.ok
    ? estimateValidity({
        ca: product.value.ca,
        periodMonths: reply.periodMonths,
        issuedAt: new Date(reply.at),
        oldNotAfter: new Date(reply.oldNotAfter),
      })
    : null;
  const line = estimate?.ok
    ? estimateLine({ period: reply.periodMonths, estimate: estimate.value }, locale)
    : null;
  const lines = [
    t.replyRenew({
      who: who(reply.by),
      at: formatTokyoDateTime(new Date(reply.at), locale),
      period: noticeText[locale].period(reply.periodMonths),
      estimate: line ?? '-',
    }),
  ];
  if (reply.csrMethod === 'provider') lines.push(t.replyRenewProviderCsr);
  if (reply.reusedKey) lines.push(t.replyRenewReusedKey);
  if (!product.ok) return lines.join('\n');
  // R-VETTING-1: what the CA may do next, per product.
  const vetting = vettingExpectations({ category: 'proxy', product: product.value });
  lines.push('', t.vettingTitle);
  lines.push(
    vetting.dcvMailTiming === 'right_after_application' ? t.vettingDcvAfterApplication : t.vettingDcvWithin,
  );
  if (reply.approverAddress && product.value.ca === 'globalsign') {
    lines.push(t.vettingDcvApprover({ address: codeSpan(reply.approverAddress) }));
  } else lines.push(t.vettingDcvLookup({ cn: contract.cn.replaceAll('`', '') }));
  if (vetting.intentChecks?.includes('phone')) lines.push(t.vettingPhone);
  if (vetting.intentChecks?.includes('email')) lines.push(t.vettingEmail);
  lines.push(t.vettingDocumentsProvider, t.vettingSkipped);
  return lines.join('\n');
}
