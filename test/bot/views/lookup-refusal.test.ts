import { describe, expect, it } from 'vitest';
import { reasonText } from '../../../bot/i18n/reasons.ts';
import { refusalMessage } from '../../../bot/views/lookups/refusal.ts';
import type { LookupReason } from '../../../domain/ports/lookups.ts';

const LOOKUP_REASONS = [
  'lookup.missing_name',
  'lookup.too_many_arguments',
  'lookup.unknown_ca',
  'lookup.not_visible',
  'lookup.byo_has_no_ca',
  'dn.no_previous_application',
  'dn.no_registered_certificate',
] as const satisfies readonly LookupReason[];
const NAME_REASONS = Object.keys(reasonText.ja) as LookupReason[];

const params = { name: 'www.example.jp', cn: 'www.example.jp', excerpt: 'acme*', suffix: 'co.jp', tld: 'x' };

describe('the look-ups’ refusals: one vocabulary, every reason translated', () => {
  it.each(['ja', 'en'] as const)('every reason has its own text in %s, never the code', (locale) => {
    const texts = [...LOOKUP_REASONS, ...NAME_REASONS].map(
      (reason) => refusalMessage(locale, { ok: false, reason, params }, 'dn').text,
    );
    for (const [i, text] of texts.entries()) {
      const reason = [...LOOKUP_REASONS, ...NAME_REASONS][i] as string;
      expect(text, reason).not.toContain(reason);
      expect(text.length, reason).toBeGreaterThan(10);
    }
    expect(new Set(texts.slice(0, LOOKUP_REASONS.length)).size).toBe(LOOKUP_REASONS.length);
  });

  it('names and excerpts are shown as code, escaped; the usage is the command’s', () => {
    const refusal = refusalMessage(
      'en',
      { ok: false, reason: 'lookup.unknown_ca', params: { excerpt: 'a<b' } },
      'dcv',
    );
    expect(refusal.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('"`a&lt;b`" is not a CA') } },
    ]);
    expect(refusalMessage('ja', { ok: false, reason: 'lookup.missing_name' }, 'dcv').text).toBe(
      'コモンネームを指定してください。使い方: `/cert dcv <CN>`, `/cert dcv <FQDN> <CA>`',
    );
  });

  it('only /cert dcv adds how to check a name not under contract', () => {
    const refusal = { ok: false, reason: 'lookup.not_visible', params: { name: 'www.example.jp' } } as const;
    expect(refusalMessage('en', refusal, 'dcv').text).toContain('/cert dcv <FQDN> <CA>');
    expect(refusalMessage('en', refusal, 'status').text).not.toContain('/cert dcv');
  });
});
