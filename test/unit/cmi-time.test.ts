/**
 * The SCORM time formats. SCORM 1.2: RTE 3.4.1 data types CMITimespan (`HHHH:MM:SS.SS`) and CMITime
 * (`HH:MM:SS.SS`, a clock time). SCORM 2004 4th edition: RTE 4.1.1.7 timeinterval (second,10,2), an ISO 8601
 * duration `P[yY][mM][dD][T[hH][nM][s[.s]S]]`, and time (second,10,2), an ISO 8601 timestamp
 * `YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]]` with a year from 1970 to 2038.
 */
import { describe, expect, it } from 'vitest';
import {
  durationToSeconds,
  isClockTime12,
  isTimestamp2004,
  secondsToDuration,
  secondsToTimespan12,
  timespan12ToSeconds,
} from '../../shared/runtime/cmi/time.ts';

describe('SCORM 1.2 CMITimespan', () => {
  it.each([
    ['00:00:00', 0],
    ['00:00:45', 45],
    ['0000:01:30.00', 90],
    ['01:02:03.5', 3723.5],
    ['100:00:00', 360_000],
    ['9999:59:59.99', 35_999_999.99],
    // The spec gives the fields' widths, not their ranges: 75 minutes is still 75 minutes.
    ['00:75:00', 4500],
  ])('reads %s as %d seconds', (value, seconds) => {
    expect(timespan12ToSeconds(value)).toBe(seconds);
  });

  it.each([
    '',
    '0:00:00',
    '00000:00:00',
    '00:0:00',
    '00:00:0',
    '00:00:00.123',
    '00:00:00.',
    '00:00',
    ' 00:00:00',
    '-01:00:00',
    'PT1S',
    'aa:bb:cc',
  ])('refuses %j', (value) => {
    expect(timespan12ToSeconds(value)).toBeUndefined();
  });

  it.each([
    [0, '0000:00:00.00'],
    [45, '0000:00:45.00'],
    [135, '0000:02:15.00'],
    [3723.5, '0001:02:03.50'],
    [3723.456, '0001:02:03.46'],
    // Four digits of hours is all the format has room for: a longer total stops at its largest value.
    [36_000_000, '9999:59:59.99'],
  ])('writes %d seconds as %s', (seconds, value) => {
    expect(secondsToTimespan12(seconds)).toBe(value);
  });
});

describe('SCORM 1.2 CMITime', () => {
  it.each(['00:00:00', '23:59:59', '12:30:05.5', '12:30:05.25'])('accepts %s', (value) => {
    expect(isClockTime12(value)).toBe(true);
  });

  it.each(['', '24:00:00', '12:60:00', '12:00:60', '1:00:00', '12:00', '12:00:00.123', '12:00:00Z'])(
    'refuses %j',
    (value) => {
      expect(isClockTime12(value)).toBe(false);
    },
  );
});

describe('SCORM 2004 timeinterval', () => {
  it.each([
    ['PT0S', 0],
    ['PT0H0M0S', 0],
    ['PT45S', 45],
    ['PT1M30S', 90],
    ['PT1H2M3.5S', 3723.5],
    ['PT1.25S', 1.25],
    ['P1DT2H', 93_600],
    ['P1D', 86_400],
    // Years and months have no fixed length: 365 and 30 days, as scorm-again counts them.
    ['P1Y', 31_536_000],
    ['P1M', 2_592_000],
    ['P1Y2M3DT4H5M6S', 31_536_000 + 5_184_000 + 259_200 + 14_400 + 300 + 6],
  ])('reads %s as %d seconds', (value, seconds) => {
    expect(durationToSeconds(value)).toBe(seconds);
  });

  it.each([
    '',
    'P',
    'PT',
    'P1DT',
    'P1H',
    'PT1D',
    '1H',
    'P-1D',
    'PT-5S',
    'PT1,5S',
    'PT1.S',
    'P1W',
    'pt1s',
    'PT1S ',
    '00:00:45',
  ])('refuses %j', (value) => {
    expect(durationToSeconds(value)).toBeUndefined();
  });

  it.each([
    [0, 'PT0S'],
    [45, 'PT45S'],
    [135, 'PT2M15S'],
    [3600, 'PT1H'],
    [3723.5, 'PT1H2M3.5S'],
    [0.25, 'PT0.25S'],
    [90_000, 'PT25H'],
  ])('writes %d seconds as %s', (seconds, value) => {
    expect(secondsToDuration(seconds)).toBe(value);
  });
});

describe('SCORM 2004 time (second,10,2)', () => {
  it.each([
    '2024',
    '2024-02',
    '2024-02-29',
    '2024-02-29T13',
    '2024-02-29T13:05',
    '2024-02-29T13:05:09',
    '2024-02-29T13:05:09.5',
    '2024-02-29T13:05:09.25Z',
    '2024-02-29T13:05:09+02:00',
    '2024-02-29T13:05:09-05',
    '1970-01-01T00:00:00',
    '2038-12-31T23:59:59',
  ])('accepts %s', (value) => {
    expect(isTimestamp2004(value)).toBe(true);
  });

  it.each([
    '',
    '1969-12-31',
    '2039-01-01',
    '2023-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-32',
    '2024-01-01T24:00',
    '2024-01-01T10:60',
    '2024-01-01T10:00:60',
    '2024-01-01 10:00:00',
    '2024-01-01T10:00:00+25:00',
    '2024-01-01Z',
    '24-01-01',
    '2024-1-1',
    'yesterday',
  ])('refuses %j', (value) => {
    expect(isTimestamp2004(value)).toBe(false);
  });
});
