import { describe, expect, it } from 'vitest';
import { operationsText } from '../../../bot/i18n/operations.ts';
import {
  customerRejectedReply,
  OPS_ACTIONS,
  opsEventMessage,
} from '../../../bot/views/operations/ops-message.ts';
import {
  issueRefusalText,
  OPS_VIEWS,
  opsIssuedModal,
  parseOpsMetadata,
} from '../../../bot/views/operations/ops-modals.ts';
import type { ApplicationProgress } from '../../../db/stores/handover-applications.ts';
import type { HandoverEvent } from '../../../db/stores/handover-outbox.ts';
import { textsOf } from '../../handlers/decision-harness.ts';

const AT = new Date('2026-11-25T01:00:00Z');
const contract: HandoverEvent['contract'] = {
  id: 'c1',
  cn: 'www.example.jp',
  category: 'proxy',
  ca: 'globalsign',
  productId: 'globalsign.quick_ssl',
  periodMonths: 12,
  csrMethod: 'provider',
  wwwOption: false,
  linkedServices: [],
  slackChannelId: 'C0CHANNEL1',
  serviceGroup: 'Sample <!here>',
  locale: 'ja',
};
const cycle: HandoverEvent['cycle'] = {
  id: 'y1',
  state: 'opted_out',
  expiresAt: new Date('2027-01-04T01:00:00Z'),
  decisionDeadline: null,
  dataDeadline: null,
  chosenPeriodMonths: null,
  decision: 'opt_out',
  decidedBy: 'U0ADMINJA',
  decidedAt: AT,
  slackChannelId: null,
  slackTs: null,
};
const application: NonNullable<HandoverEvent['application']> = {
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'auto_renewal',
  dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Sample *K.K.* <@U999>', ou: null, cn: 'www.example.jp' },
  applicant: { name: '山田 太郎', email: 'yamada@example.jp' },
  periodMonths: 6,
  csrMethod: 'provider',
  csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
  wwwOption: false,
  approverAddress: 'admin@example.jp',
  keyGeneratedByProvider: true,
  requestedBy: 'system:data_deadline',
  requestedAt: AT,
};
const event = (patch: Partial<HandoverEvent>): HandoverEvent => ({
  id: 'e1',
  seq: 1,
  kind: 'application',
  occurredAt: AT,
  actor: 'system:data_deadline',
  contract,
  cycle,
  certificate: null,
  application,
  ...patch,
});
const buttonsOf = (blocks: unknown) =>
  [...JSON.stringify(blocks).matchAll(/"action_id":"(ops\.[a-z]+)"/g)].map((m) => m[1]);

describe('operations-channel message', () => {
  it('shows an application with everything the CA needs and the three buttons, in Japanese', () => {
    const m = opsEventMessage({ event: event({}), progress: null, issuedCertificate: null, locale: 'ja' });
    const text = textsOf(m.blocks);
    expect(m.text).toBe('自動更新の申請: www.example.jp');
    for (const part of [
      'クイック認証SSL',
      'GlobalSign',
      '6か月',
      'L=Chiyoda-ku',
      '山田 太郎',
      'プロバイダが鍵とCSRを生成',
      'admin@example.jp',
      '2026年11月25日(水) 10:00',
      'BEGIN CERTIFICATE REQUEST',
    ]) {
      expect(text).toContain(part);
    }
    expect(buttonsOf(m.blocks)).toEqual([OPS_ACTIONS.submitted, OPS_ACTIONS.issued, OPS_ACTIONS.rejected]);
    // Data from the database never becomes a mention or markup.
    expect(text).not.toContain('<@U999>');
    expect(text).not.toContain('<!here>');
  });

  it('after Submitted, keeps Issued and Rejected and says who and when; once issued or rejected, no buttons', () => {
    const submitted: ApplicationProgress = {
      status: 'submitted',
      submittedAt: AT,
      submittedBy: 'ops:U0STAFF01',
      issuedAt: null,
      issuedBy: null,
      certificateId: null,
      rejectedAt: null,
      rejectedBy: null,
      rejectionReason: null,
    };
    const a = opsEventMessage({
      event: event({}),
      progress: submitted,
      issuedCertificate: null,
      locale: 'en',
    });
    expect(buttonsOf(a.blocks)).toEqual([OPS_ACTIONS.issued, OPS_ACTIONS.rejected]);
    expect(textsOf(a.blocks)).toContain('Submitted to the CA by <@U0STAFF01>');
    const rejected = {
      ...submitted,
      status: 'rejected' as const,
      rejectedAt: AT,
      rejectedBy: 'ops:U0STAFF02',
      rejectionReason: 'DCV expired',
    };
    const b = opsEventMessage({
      event: event({}),
      progress: rejected,
      issuedCertificate: null,
      locale: 'en',
    });
    expect(buttonsOf(b.blocks)).toEqual([]);
    expect(textsOf(b.blocks)).toContain('DCV expired');
  });

  it('shows an opt-out with who, when and the end of the term, without buttons', () => {
    const m = opsEventMessage({
      event: event({ kind: 'opt_out', application: null, actor: 'U0ADMINJA' }),
      progress: null,
      issuedCertificate: null,
      locale: 'en',
    });
    expect(m.text).toBe('Opt-out: www.example.jp');
    const text = textsOf(m.blocks);
    expect(text).toContain('<@U0ADMINJA>');
    expect(text).toContain('4 Jan 2027');
    expect(buttonsOf(m.blocks)).toEqual([]);
  });
});

describe('operations modals and texts', () => {
  it('the issued modal carries the application and the ops message in its metadata', () => {
    const view = opsIssuedModal({
      locale: 'ja',
      cn: 'www.example.jp',
      metadata: { a: application.id, ch: 'C0OPS', ts: '1.2' },
    });
    expect(view.callback_id).toBe(OPS_VIEWS.issued);
    expect(parseOpsMetadata(view.private_metadata)).toEqual({ a: application.id, ch: 'C0OPS', ts: '1.2' });
    expect(parseOpsMetadata('not json')).toBeNull();
  });

  it('every refusal has a text in both languages', () => {
    for (const locale of ['ja', 'en'] as const) {
      expect(
        issueRefusalText(
          locale,
          { reason: 'ops.cn_mismatch', params: { certificateCn: 'evil.example' } },
          'www.example.jp',
        ),
      ).toContain('evil.example');
      expect(issueRefusalText(locale, { reason: 'ops.public_key_mismatch', params: {} }, 'x')).not.toBe('');
      expect(issueRefusalText(locale, { reason: 'certificate.not_pem', params: {} }, 'x')).toBe(
        operationsText[locale].certificate['certificate.not_pem'],
      );
      expect(issueRefusalText(locale, { reason: 'cycle.opted_out', params: {} }, 'x')).toContain(
        'cycle.opted_out',
      );
    }
    expect(Object.keys(operationsText.en.issue).sort()).toEqual(Object.keys(operationsText.ja.issue).sort());
  });

  it('the rejection reason reaches the customer escaped', () => {
    const text = customerRejectedReply({
      cn: 'www.example.jp',
      reason: 'see <https://evil|here> `x`',
      locale: 'en',
    });
    expect(text).not.toContain('<https://');
    expect(text).toContain('Application rejected');
  });
});
