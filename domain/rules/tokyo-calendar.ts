import { addDays, addMonths, format } from 'date-fns';
import { fromZonedTime, toZonedTime } from 'date-fns-tz';

/**
 * Calendar arithmetic in Asia/Tokyo. Instants stay `Date` (UTC); only the wall-clock view moves to
 * Tokyo, so that "the date 90 days before" or "+ 6 months" mean what a Japanese customer reads on
 * the certificate page, whatever the server's own time zone is.
 */
export const TOKYO = 'Asia/Tokyo';

export const MS_PER_SECOND = 1_000;
export const MS_PER_DAY = 86_400_000;

/** `at` moved by whole calendar days in Tokyo (no DST there, so also n × 86,400 s). */
export const addTokyoDays = (at: Date, days: number): Date =>
  fromZonedTime(addDays(toZonedTime(at, TOKYO), days), TOKYO);

/** `at` moved by calendar months in Tokyo; month ends clamp (31 Aug + 6 months = end of February). */
export const addTokyoMonths = (at: Date, months: number): Date =>
  fromZonedTime(addMonths(toZonedTime(at, TOKYO), months), TOKYO);

/** The Tokyo calendar date of an instant, as 'YYYY-MM-DD'. */
export const tokyoDateOf = (at: Date): string => format(toZonedTime(at, TOKYO), 'yyyy-MM-dd');

/** The instant at which the Tokyo wall clock shows `date` ('YYYY-MM-DD') and `time` ('HH:MM'). */
export const atTokyoWallTime = (date: string, time: string): Date =>
  fromZonedTime(`${date}T${time}:00`, TOKYO);

/** The Tokyo calendar date `days` days after (or before, when negative) `date` ('YYYY-MM-DD'). */
export const shiftTokyoDate = (date: string, days: number): string =>
  tokyoDateOf(addTokyoDays(atTokyoWallTime(date, '12:00'), days));
