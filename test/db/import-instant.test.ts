import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../db/import/import-instant.ts';

describe('instants of an import file', () => {
  it.each([
    ['2025-12-01T10:00:00+09:00', '2025-12-01T01:00:00.000Z'],
    ['2025-12-01T10:00:00Z', '2025-12-01T10:00:00.000Z'],
    ['2025-12-01t10:00:00z', '2025-12-01T10:00:00.000Z'],
    ['2025-12-01 10:00:00 +0900', '2025-12-01T01:00:00.000Z'],
    ['2025-12-01T10:00:00-05', '2025-12-01T15:00:00.000Z'],
    ['2025-12-01T10:00:00.5+09:00', '2025-12-01T01:00:00.500Z'],
    // No offset: the wall clock of Asia/Tokyo, whatever the machine's own time zone.
    ['2025-12-01T10:00:00', '2025-12-01T01:00:00.000Z'],
    ['2025-12-01 10:00', '2025-12-01T01:00:00.000Z'],
    ['2025-12-31T23:30', '2025-12-31T14:30:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseInstant(text, 'refuse')).toEqual({ ok: true, value: new Date(iso) });
  });

  it('reads a date alone as the end of that day in Tokyo where the field says so, and refuses it elsewhere', () => {
    expect(parseInstant('2027-12-31', 'end-of-tokyo-day')).toEqual({
      ok: true,
      value: new Date('2027-12-31T23:59:59+09:00'),
    });
    expect(parseInstant('2027-12-31', 'refuse')).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^a date without a time: write the time as well, such as 2027-12-31T10:00/,
      ),
    });
  });

  it.each([
    ['5', /^expected a date-time such as 2026-04-01T10:00:00\+09:00, not '5'$/],
    ['2025/12/01 10:00', /^expected a date-time/],
    ['2025-12-01T10:00:00+09:00 JST', /^expected a date-time/],
    ['2025-02-29T10:00', /^2025-02-29 is not a date of the calendar$/],
    ['2025-13-01', /^2025-13-01 is not a date of the calendar$/],
    ['2025-12-01T24:00', /^24:00:00 is not a time of the day$/],
    ['2025-12-01T10:00+15:00', /^\+15:00 is not a time-zone offset$/],
  ])('refuses %s', (text, message) => {
    expect(parseInstant(text, 'end-of-tokyo-day')).toEqual({
      ok: false,
      message: expect.stringMatching(message),
    });
  });
});
