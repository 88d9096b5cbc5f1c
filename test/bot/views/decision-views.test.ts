import { describe, expect, it } from 'vitest';
import { decisionText } from '../../../bot/i18n/decisions.ts';
import { type Refusal, refusalText } from '../../../bot/views/decisions/decision-messages.ts';
import { estimateLine, periodInput } from '../../../bot/views/decisions/modal-parts.ts';
import { renewModal } from '../../../bot/views/decisions/renew-modal.ts';
import { estimateValidity, type RenewalCycle } from '../../../domain/index.ts';

const NOW = new Date('2026-11-25T01:00:00Z');
const OLD_EXPIRY = new Date('2027-01-04T01:00:00Z');
const estimate = (ca: 'digicert' | 'cybertrust' | 'globalsign', periodMonths: 6 | 12) => {
  const e = estimateValidity({ ca, periodMonths, issuedAt: NOW, oldNotAfter: OLD_EXPIRY });
  if (!e.ok) throw new Error(e.reason);
  return e.value;
};
const cycle: RenewalCycle = {
  id: 'c',
  contractId: 'k',
  category: 'proxy',
  state: 'renewal_requested',
  expiresAt: OLD_EXPIRY,
  decisionDeadline: null,
  dataDeadline: null,
  chosenPeriod: null,
  decision: 'renew',
  decidedBy: 'U0ADMIN1',
  decidedAt: new Date('2026-11-20T01:00:00Z'),
  renewalDataComplete: true,
  noticedAt: null,
  version: 1,
};

describe('decision views as data', () => {
  it('R-VALID-1, R-CABF-1: each period shows its estimate; a capped one says so', () => {
    const block = periodInput(
      [
        { period: 6, estimate: estimate('cybertrust', 6) },
        { period: 12, estimate: estimate('cybertrust', 12) },
      ],
      12,
      'ja',
    );
    const element = block.element as {
      options: { value: string; description?: { text: string } }[];
      initial_option?: { value: string };
    };
    expect(element.options.map((o) => o.value)).toEqual(['6', '12']);
    expect(element.initial_option?.value).toBe('12');
    for (const o of element.options) expect(o.description?.text.length ?? 0).toBeLessThanOrEqual(75);
    expect(element.options[0]?.description?.text).toMatch(/有効期限の見込み|業界ルールの上限/);
  });

  it('R-VALID-2: a DigiCert estimate is a lower bound unless capped', () => {
    const e = estimate('digicert', 12);
    const line = estimateLine({ period: 12, estimate: e }, 'en');
    expect(line).toMatch(e.capped ? /industry cap/ : /or later/);
  });

  it('R-CHANGE-2: the renew modal has no CN input; fields carry max_length; within 100 blocks', () => {
    const view = renewModal({
      locale: 'en',
      cn: 'www.example.jp',
      productName: 'Secure Server ID',
      choices: [{ period: 12, estimate: estimate('digicert', 12) }],
      period: 12,
      dn: { c: 'JP', st: 'Tokyo', l: 'Chiyoda-ku', o: 'Sample', cn: 'www.example.jp' },
      applicant: { name: 'A', email: 'a@example.jp' },
      csrMethod: 'customer',
      www: null,
      approver: { choices: null, previous: null, lookupFailed: false },
      privateMetadata: '{}',
    });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const ids = view.blocks.map((b) => b.block_id);
    expect(ids).not.toContain('dn_cn');
    for (const b of view.blocks) {
      const el = (b as { element?: { type: string; max_length?: number } }).element;
      if (el?.type === 'plain_text_input') expect(el.max_length).toBeGreaterThan(0);
    }
    expect(JSON.stringify(view)).toContain(decisionText.en.approverLoading);
  });

  it('every refusal has a message in both languages, naming who decided and when', () => {
    const refusals: Refusal[] = [
      { reason: 'cycle.not_authorized', groupAdmins: ['U0ADMIN1'] },
      { reason: 'cycle.not_authorized', groupAdmins: [] },
      { reason: 'decision.contract_gone' },
      { reason: 'decision.invalid' },
      { reason: 'cycle.decision_deadline_passed', deadline: NOW },
      { reason: 'cycle.data_deadline_passed', deadline: NOW },
      { reason: 'cycle.already_decided', cycle },
      { reason: 'cycle.closed', state: 'cancelled' },
      { reason: 'cycle.not_opted_out' },
      { reason: 'cycle.opted_out' },
      { reason: 'decision.not_for_byo' },
      { reason: 'decision.not_for_proxy' },
      { reason: 'cycle.period_not_allowed', allowed: [12] },
      { reason: 'decision.unknown_product' },
      { reason: 'decision.no_previous_application' },
      { reason: 'keys.master_key_missing' },
      { reason: 'keys.invalid_dn' },
    ];
    for (const r of refusals) {
      expect(refusalText('ja', r)).not.toBe(refusalText('en', r));
      expect(refusalText('en', r).length).toBeGreaterThan(10);
    }
    expect(refusalText('ja', { reason: 'cycle.already_decided', cycle })).toBe(
      '<@U0ADMIN1> が 2026年11月20日(金) 10:00 に更新を申し込み済みです。何も変更していません。',
    );
    expect(refusalText('en', { reason: 'cycle.not_authorized', groupAdmins: ['U0ADMIN1'] })).toContain(
      '<@U0ADMIN1>',
    );
  });
});
