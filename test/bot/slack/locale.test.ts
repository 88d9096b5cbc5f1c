import { describe, expect, it } from 'vitest';
import {
  escapeMrkdwn,
  formatTokyoDate,
  formatTokyoDateTime,
  localeFromSlack,
} from '../../../bot/i18n/locale.ts';

describe('locale and formatting', () => {
  it.each([
    ['ja-JP', 'ja'],
    ['en-US', 'en'],
    ['en_GB', 'en'],
    ['fr-FR', 'ja'],
    [undefined, 'ja'],
  ] as const)('Slack locale %s reads as %s with ja as the fallback', (slack, expected) => {
    expect(localeFromSlack(slack, 'ja')).toBe(expected);
  });

  it('shows instants in Asia/Tokyo, crossing the UTC date line', () => {
    const at = new Date('2026-12-24T15:30:00Z'); // 2026-12-25 00:30 JST, a Friday
    expect(formatTokyoDateTime(at, 'ja')).toBe('2026年12月25日(金) 00:30');
    expect(formatTokyoDateTime(at, 'en')).toBe('Fri 25 Dec 2026 00:30 JST');
    expect(formatTokyoDate(at, 'ja')).toBe('2026年12月25日');
    expect(formatTokyoDate(at, 'en')).toBe('25 Dec 2026');
  });

  it('escapes what Slack would turn into mentions or links', () => {
    expect(escapeMrkdwn('<@U123> & <!channel>')).toBe('&lt;@U123&gt; &amp; &lt;!channel&gt;');
  });
});
