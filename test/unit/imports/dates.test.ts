import { describe, expect, it } from 'vitest';
import { type DateOptions, parseDate } from '../../../shared/imports/dates.ts';

describe('parseDate: accepted', () => {
  it.each([
    ['an ISO date', '2025-12-31', {}, '2025-12-31T00:00:00.000Z', '2025-12-31'],
    ['an ISO date-time in UTC', '2025-12-31T14:30:00Z', {}, '2025-12-31T14:30:00.000Z', '2025-12-31'],
    ['a lower-case z and no seconds', '2025-12-31t14:30z', {}, '2025-12-31T14:30:00.000Z', '2025-12-31'],
    ['an offset +02:00', '2025-12-31T14:30:00+02:00', {}, '2025-12-31T12:30:00.000Z', '2025-12-31'],
    ['an offset -0600', '2025-12-31T14:30:00-0600', {}, '2025-12-31T20:30:00.000Z', '2025-12-31'],
    ['an offset -06', '2025-12-31T14:30:00-06', {}, '2025-12-31T20:30:00.000Z', '2025-12-31'],
    [
      'fractions of a second',
      '2025-12-31T14:30:00.123456+05:30',
      {},
      '2025-12-31T09:00:00.123Z',
      '2025-12-31',
    ],
    [
      'a local day that is the next day in UTC',
      '2025-12-31T23:30:00-06:00',
      {},
      '2026-01-01T05:30:00.000Z',
      '2025-12-31',
    ],
    [
      "Canvas's date-time without an offset",
      '2013-1-03 00:00:00',
      {},
      '2013-01-03T00:00:00.000Z',
      '2013-01-03',
    ],
    [
      "Canvas's date-time with an offset",
      '2013-05-03 00:00:00-06:00',
      {},
      '2013-05-03T06:00:00.000Z',
      '2013-05-03',
    ],
    ['a space before the offset', '2025-12-31 14:30:00 +0200', {}, '2025-12-31T12:30:00.000Z', '2025-12-31'],
    ['surrounding spaces', '  2025-12-31 ', {}, '2025-12-31T00:00:00.000Z', '2025-12-31'],
    ['29 February of a leap year', '2024-02-29', {}, '2024-02-29T00:00:00.000Z', '2024-02-29'],
    ['29 February 2000 (divisible by 400)', '2000-02-29', {}, '2000-02-29T00:00:00.000Z', '2000-02-29'],
  ] satisfies [string, string, DateOptions, string, string][])(
    'reads %s',
    (_label, value, options, iso, date) => {
      // Act / Assess
      expect(parseDate(value, options)).toEqual({ ok: true, iso, date });
    },
  );

  it.each([
    ['31/12/2025', 'dmy'],
    ['31.12.2025', 'dmy'],
    ['31-12-2025', 'dmy'],
    ['12/31/2025', 'mdy'],
    ['12-31-2025', 'mdy'],
    ['2025/12/31', 'ymd'],
    ['2025.12.31', 'ymd'],
    ['2025/12/31', 'dmy'],
  ] satisfies [string, DateOptions['dateOrder']][])(
    'reads %s as 31 December 2025 when dates are %s',
    (value, dateOrder) => {
      // Act / Assess
      expect(parseDate(value, { dateOrder })).toEqual({
        ok: true,
        iso: '2025-12-31T00:00:00.000Z',
        date: '2025-12-31',
      });
    },
  );

  it('reads 1/2/2025 as 1 February day-first and 2 January month-first', () => {
    // Act / Assess
    expect(parseDate('1/2/2025', { dateOrder: 'dmy' })).toEqual({
      ok: true,
      iso: '2025-02-01T00:00:00.000Z',
      date: '2025-02-01',
    });
    expect(parseDate('1/2/2025', { dateOrder: 'mdy' })).toEqual({
      ok: true,
      iso: '2025-01-02T00:00:00.000Z',
      date: '2025-01-02',
    });
  });

  it("puts dates and times without an offset at the import's timezone, and keeps an explicit offset", () => {
    // Act / Assess
    expect(parseDate('2025-12-31', { timezone: '+01:00' })).toEqual({
      ok: true,
      iso: '2025-12-30T23:00:00.000Z',
      date: '2025-12-31',
    });
    expect(parseDate('31/12/2025 20:00', { dateOrder: 'dmy', timezone: '-05:00' })).toEqual({
      ok: true,
      iso: '2026-01-01T01:00:00.000Z',
      date: '2025-12-31',
    });
    expect(parseDate('2025-12-31T10:00:00Z', { timezone: '+01:00' })).toEqual({
      ok: true,
      iso: '2025-12-31T10:00:00.000Z',
      date: '2025-12-31',
    });
  });

  it('reads Unix times in seconds when asked, the day taken at the timezone, and dates still', () => {
    // Act / Assess
    expect(parseDate('1546300800', { unix: true })).toEqual({
      ok: true,
      iso: '2019-01-01T00:00:00.000Z',
      date: '2019-01-01',
    });
    expect(parseDate('1546300800', { unix: true, timezone: '-05:00' })).toEqual({
      ok: true,
      iso: '2019-01-01T00:00:00.000Z',
      date: '2018-12-31',
    });
    expect(parseDate('0', { unix: true })).toEqual({
      ok: true,
      iso: '1970-01-01T00:00:00.000Z',
      date: '1970-01-01',
    });
    // Moodle's enroltimestart also comes as a date (upload_users_enrol_date_period.csv)
    expect(parseDate('2019-01-01', { unix: true })).toEqual({
      ok: true,
      iso: '2019-01-01T00:00:00.000Z',
      date: '2019-01-01',
    });
  });
});

describe('parseDate: refused, with what to do', () => {
  it.each([
    ['31/02/2025', { dateOrder: 'dmy' }, '31/02/2025 is not a date: February 2025 has 28 days.'],
    ['2024-02-30', {}, '2024-02-30 is not a date: February 2024 has 29 days.'],
    ['1900-02-29', {}, '1900-02-29 is not a date: February 1900 has 28 days.'],
    ['2025-04-31', {}, '2025-04-31 is not a date: April 2025 has 30 days.'],
    ['12/31/2025', { dateOrder: 'dmy' }, '12/31/2025 is not a date: there is no month 31.'],
    ['2025-13-01', {}, '2025-13-01 is not a date: there is no month 13.'],
    ['2025-00-10', {}, '2025-00-10 is not a date: there is no month 0.'],
    ['2025-01-00', {}, '2025-01-00 is not a date: there is no day 0.'],
    [
      '31/12/25',
      { dateOrder: 'dmy' },
      '31/12/25 has a two-digit year: write the year with four digits, like 31/12/2025.',
    ],
    [
      '25.12.31',
      { dateOrder: 'ymd' },
      '25.12.31 has a two-digit year: write the year with four digits, like 2025.12.31.',
    ],
    ['1/2025/12', { dateOrder: 'dmy' }, '1/2025/12 is not a date: expected day/month/year like 31/12/2025.'],
    ['12/31/202', { dateOrder: 'mdy' }, '12/31/202 is not a date: expected month/day/year like 12/31/2025.'],
    [
      '31/12/2025',
      {},
      "31/12/2025 does not start with a four-digit year, so its order is unknown: write it like 2025-12-31, or say whether the file's dates are day/month/year, month/day/year or year/month/day.",
    ],
    [
      '2025-12-31 25:00',
      {},
      '25:00 is not a time of day: hours run from 0 to 23, minutes and seconds from 0 to 59.',
    ],
    [
      '2025-12-31 23:60',
      {},
      '23:60 is not a time of day: hours run from 0 to 23, minutes and seconds from 0 to 59.',
    ],
    [
      '2025-12-31T23:59:60Z',
      {},
      '23:59:60Z is not a time of day: hours run from 0 to 23, minutes and seconds from 0 to 59.',
    ],
    [
      '2025-12-31 2:30 PM',
      {},
      '2:30 PM is not a time: expected hours and minutes (and seconds), like 14:30 or 14:30:00, then an offset like +02:00 if the time has one.',
    ],
    [
      '2025-12-31T10:00:00+15:00',
      {},
      '+15:00 is not a UTC offset: expected Z or one like +02:00, -0600 or -06:00.',
    ],
    [
      '2025-12-31T10:00:00+02:75',
      {},
      '+02:75 is not a UTC offset: expected Z or one like +02:00, -0600 or -06:00.',
    ],
    [
      'next Monday',
      { dateOrder: 'dmy', unix: true },
      'next Monday is not a date: expected a date like 2025-12-31 or 2025-12-31T14:30:00+02:00, or day/month/year like 31/12/2025, or a Unix time in seconds.',
    ],
    [
      '1546300800',
      {},
      '1546300800 is not a date: expected a date like 2025-12-31 or 2025-12-31T14:30:00+02:00.',
    ],
    [
      '1546300800000',
      { unix: true },
      '1546300800000 is too large for a Unix time in seconds (is it in milliseconds?).',
    ],
    ['   ', {}, 'No date is given.'],
  ] satisfies [string, DateOptions, string][])('refuses %j', (value, options, reason) => {
    // Act / Assess
    expect(parseDate(value, options)).toEqual({ ok: false, reason });
  });

  it('refuses a timezone that is not an offset: the import is misconfigured, not the file', () => {
    // Act / Assess
    expect(() => parseDate('2025-12-31', { timezone: 'Europe/Paris' })).toThrow(
      new RangeError('timezone must be Z or an offset like +01:00, got Europe/Paris'),
    );
  });
});
