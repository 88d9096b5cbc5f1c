import { fromZonedTime } from 'date-fns-tz';
import { TOKYO } from '../../domain/rules/tokyo-calendar.ts';

/**
 * How a field reads a date written without a time. An application happened at one moment: its date
 * alone is refused rather than given a time nobody wrote (it is also part of the key that keeps a
 * re-import from adding it twice). A contract period runs through its last day: the date alone means
 * the end of that day in Tokyo, as customers read it on their contract.
 */
export type DateOnly = 'refuse' | 'end-of-tokyo-day';

export const INSTANT_EXAMPLE = '2026-04-01T10:00:00+09:00';

// YAML's timestamp shapes: `T` or spaces between date and time, an optional offset (Z, +09, +0900,
// +09:00). No offset: the wall clock of Asia/Tokyo.
const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:(?:[Tt]| +)(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)? *(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Parses an instant of an import file. */
export function parseInstant(
  text: string,
  dateOnly: DateOnly,
): { ok: true; value: Date } | { ok: false; message: string } {
  const m = PATTERN.exec(text.trim());
  if (!m) return { ok: false, message: `expected a date-time such as ${INSTANT_EXAMPLE}, not '${text}'` };
  const [, year, month, day, hour, minute, second = '00', fraction = '', offset] = m;
  const date = `${year}-${month}-${day}`;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) {
    return { ok: false, message: `${date} is not a date of the calendar` };
  }
  if (hour === undefined || minute === undefined) {
    if (dateOnly === 'refuse') {
      return {
        ok: false,
        message: `a date without a time: write the time as well, such as ${date}T10:00:00+09:00 (without an offset: Asia/Tokyo)`,
      };
    }
    return { ok: true, value: fromZonedTime(`${date}T23:59:59`, TOKYO) };
  }
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return { ok: false, message: `${hour}:${minute}:${second} is not a time of the day` };
  }
  const wallClock = `${date}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0').slice(0, 3)}`;
  if (offset === undefined) return { ok: true, value: fromZonedTime(wallClock, TOKYO) };
  const [, sign, hh, mm = '00'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset) ?? [];
  if (Number(hh) > 14 || Number(mm) > 59)
    return { ok: false, message: `${offset} is not a time-zone offset` };
  return { ok: true, value: new Date(sign ? `${wallClock}${sign}${hh}:${mm}` : `${wallClock}Z`) };
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
