import { formatInTimeZone } from 'date-fns-tz';
import type { Locale } from '../../domain/rules/contract-terms.ts';

export type { Locale };

/** A Slack user locale (`ja-JP`, `en-US`, …) to one of ours; anything else gets the fallback. */
export function localeFromSlack(slackLocale: string | undefined | null, fallback: Locale): Locale {
  if (!slackLocale) return fallback;
  const language = slackLocale.toLowerCase().split(/[-_]/)[0];
  return language === 'ja' ? 'ja' : language === 'en' ? 'en' : fallback;
}

const TOKYO = 'Asia/Tokyo';
const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];

/** An instant as people in Japan read it: `2026年12月25日(金) 09:00` / `Fri 25 Dec 2026 09:00 JST`. */
export function formatTokyoDateTime(at: Date, locale: Locale): string {
  if (locale === 'ja') {
    const weekday = WEEKDAYS_JA[Number(formatInTimeZone(at, TOKYO, 'i')) % 7];
    return `${formatInTimeZone(at, TOKYO, 'yyyy年M月d日')}(${weekday}) ${formatInTimeZone(at, TOKYO, 'HH:mm')}`;
  }
  return `${formatInTimeZone(at, TOKYO, 'EEE d MMM yyyy HH:mm')} JST`;
}

/** A calendar date in Tokyo: `2026年12月25日` / `25 Dec 2026`. */
export function formatTokyoDate(at: Date, locale: Locale): string {
  return formatInTimeZone(at, TOKYO, locale === 'ja' ? 'yyyy年M月d日' : 'd MMM yyyy');
}

/** Escapes text for Slack mrkdwn so that user data can never become a mention, link or markup. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
