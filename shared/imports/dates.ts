/**
 * Dates and date-times as import files write them: ISO 8601 (`2025-12-31`, `2025-12-31T14:30:00+02:00`),
 * Canvas's `2013-1-03 00:00:00` (with or without an offset), day/month/year, month/day/year or year/month/day
 * when the import says which, and Unix times in seconds (Moodle's `enroltimestart`) when it asks for them.
 * Anything else is refused with a reason the person who made the file can act on.
 */

/** How a date that is not ISO 8601 orders its parts: 31/12/2025 is 'dmy', 12/31/2025 'mdy', 2025/12/31 'ymd'. */
export type DateOrder = 'ymd' | 'dmy' | 'mdy';

export interface DateOptions {
  /**
   * The order of day, month and year in dates that do not start with a four-digit year (those are read as
   * year/month/day, ISO 8601 among them). The parts may be separated by `/`, `.` or `-`.
   * @default none: only year-first dates are read
   */
  dateOrder?: DateOrder;
  /**
   * Read a whole number as a Unix time in seconds.
   * @default false
   */
  unix?: boolean;
  /**
   * The UTC offset of dates and times written without one: `Z` or `±HH:MM`. A fixed offset: a zone with daylight
   * saving time has two.
   * @default 'Z'
   */
  timezone?: string;
}

export type ParsedDate =
  /** `iso`: the instant in UTC (`2025-12-31T13:30:00.000Z`); `date`: the calendar day as written, at its offset. */
  { ok: true; iso: string; date: string } | { ok: false; reason: string };

/**
 * Reads one date or date-time cell (surrounding spaces ignored).
 *
 * @example
 * parseDate('2013-05-03 00:00:00-06:00') // { ok: true, iso: '2013-05-03T06:00:00.000Z', date: '2013-05-03' }
 * parseDate('31/12/2025', { dateOrder: 'dmy', timezone: '+01:00' })
 * // { ok: true, iso: '2025-12-30T23:00:00.000Z', date: '2025-12-31' }
 * parseDate('31/02/2025', { dateOrder: 'dmy' }) // { ok: false, reason: '31/02/2025 is not a date: February 2025 has 28 days.' }
 * @throws {RangeError} when `timezone` is not an offset.
 */
export function parseDate(value: string, options: DateOptions = {}): ParsedDate {
  const defaultOffset = offsetMinutes(options.timezone ?? 'Z');
  if (defaultOffset === undefined) {
    throw new RangeError(`timezone must be Z or an offset like +01:00, got ${options.timezone}`);
  }
  const text = value.trim();
  if (text === '') return refuse('No date is given.');
  if (options.unix && /^\d+$/.test(text)) return fromUnixTime(text, defaultOffset);

  const parts = DATE_THEN_TIME.exec(text);
  if (!parts) return refuse(`${text} is not a date: expected ${expectedForms(options)}.`);
  const [, first = '', separator = '', second = '', third = '', time] = parts;
  // A four-digit year first is year/month/day whatever the import's order: nobody writes year/day/month.
  const order = first.length === 4 ? 'ymd' : options.dateOrder;
  if (!order) {
    return refuse(
      `${text} does not start with a four-digit year, so its order is unknown: write it like 2025-12-31, or say whether the file's dates are day/month/year, month/day/year or year/month/day.`,
    );
  }
  const { year, month, day } = inOrder(order, first, second, third);
  if (month.length > 2 || day.length > 2 || (year.length !== 4 && year.length !== 2)) {
    return refuse(`${text} is not a date: expected ${ORDER_WORDS[order]} like ${example(order, separator)}.`);
  }
  if (year.length === 2) {
    return refuse(
      `${text} has a two-digit year: write the year with four digits, like ${example(order, separator)}.`,
    );
  }
  const calendarDay = { year: Number(year), month: Number(month), day: Number(day) };
  const problem = calendarProblem(calendarDay);
  if (problem) return refuse(`${text} is not a date: ${problem}.`);

  let clock: Clock = { hours: 0, minutes: 0, seconds: 0, milliseconds: 0, offset: defaultOffset };
  if (time !== undefined) {
    const read = readTime(time, defaultOffset);
    if (typeof read === 'string') return refuse(read);
    clock = read;
  }
  return fromLocalTime(calendarDay, clock);
}

const DATE_THEN_TIME = /^(\d+)([/.-])(\d+)\2(\d+)(?:(?:T|\s+)(.*))?$/i;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|[+-]\d.*)?$/i;
const OFFSET = /^(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/i;
/** Real offsets run from -12:00 to +14:00. */
const MAX_OFFSET_MINUTES = 14 * 60;
/** 9999-12-31T23:59:59Z: a larger number of seconds is no date a file means (milliseconds, most likely). */
const MAX_UNIX_SECONDS = 253_402_300_799;

const ORDER_WORDS: Record<DateOrder, string> = {
  ymd: 'year/month/day',
  dmy: 'day/month/year',
  mdy: 'month/day/year',
};
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

interface Clock {
  hours: number;
  minutes: number;
  seconds: number;
  milliseconds: number;
  /** Minutes east of UTC. */
  offset: number;
}

function refuse(reason: string): ParsedDate {
  return { ok: false, reason };
}

function inOrder(order: DateOrder, first: string, second: string, third: string) {
  if (order === 'ymd') return { year: first, month: second, day: third };
  if (order === 'dmy') return { year: third, month: second, day: first };
  return { year: third, month: first, day: second };
}

function example(order: DateOrder, separator: string): string {
  const parts =
    order === 'ymd' ? ['2025', '12', '31'] : order === 'dmy' ? ['31', '12', '2025'] : ['12', '31', '2025'];
  return parts.join(separator);
}

function expectedForms({ dateOrder, unix }: DateOptions): string {
  const forms = ['a date like 2025-12-31 or 2025-12-31T14:30:00+02:00'];
  if (dateOrder && dateOrder !== 'ymd')
    forms.push(`${ORDER_WORDS[dateOrder]} like ${example(dateOrder, '/')}`);
  if (unix) forms.push('a Unix time in seconds');
  return forms.join(', or ');
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function calendarProblem({ year, month, day }: CalendarDay): string | undefined {
  if (month < 1 || month > 12) return `there is no month ${month}`;
  if (day < 1) return `there is no day ${day}`;
  const days = daysInMonth(year, month);
  if (day > days) return `${MONTHS[month - 1]} ${year} has ${days} days`;
  return undefined;
}

/** Minutes east of UTC for `Z`, `±HH`, `±HHMM` or `±HH:MM`; undefined when it is none of them. */
/**
 * The midnight that starts the day an instant falls on, at an offset (Moodle's "today", where an enrolment
 * without a start begins).
 *
 * @example
 * startOfDay(new Date('2025-12-31T23:30:00Z'), '+01:00') // '2025-12-31T23:00:00.000Z' (1 January at +01:00)
 * @throws {RangeError} when `timezone` is not an offset.
 */
export function startOfDay(instant: Date, timezone = 'Z'): string {
  const offset = offsetMinutes(timezone);
  if (offset === undefined)
    throw new RangeError(`timezone must be Z or an offset like +01:00, got ${timezone}`);
  const local = new Date(instant.getTime() + offset * 60_000);
  local.setUTCHours(0, 0, 0, 0);
  return new Date(local.getTime() - offset * 60_000).toISOString();
}

function offsetMinutes(text: string): number | undefined {
  const parts = OFFSET.exec(text);
  if (!parts) return undefined;
  const [, sign, hours, minutes = '0'] = parts;
  if (sign === undefined) return 0;
  const total = Number(hours) * 60 + Number(minutes);
  if (Number(minutes) > 59 || total > MAX_OFFSET_MINUTES) return undefined;
  return sign === '-' ? -total : total;
}

/** The time of day after a date, with its offset; a reason when it is not one. */
function readTime(text: string, defaultOffset: number): Clock | string {
  const parts = TIME.exec(text);
  if (!parts) {
    return `${text} is not a time: expected hours and minutes (and seconds), like 14:30 or 14:30:00, then an offset like +02:00 if the time has one.`;
  }
  const [, hours = '', minutes = '', seconds = '0', fraction = '', zone] = parts;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) {
    return `${text} is not a time of day: hours run from 0 to 23, minutes and seconds from 0 to 59.`;
  }
  const offset = zone === undefined ? defaultOffset : offsetMinutes(zone);
  if (offset === undefined)
    return `${zone} is not a UTC offset: expected Z or one like +02:00, -0600 or -06:00.`;
  return {
    hours: Number(hours),
    minutes: Number(minutes),
    seconds: Number(seconds),
    milliseconds: Number(fraction.padEnd(3, '0').slice(0, 3)),
    offset,
  };
}

function fromLocalTime(day: CalendarDay, clock: Clock): ParsedDate {
  const local = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  local.setUTCFullYear(day.year, day.month - 1, day.day);
  local.setUTCHours(clock.hours, clock.minutes, clock.seconds, clock.milliseconds);
  const instant = new Date(local.getTime() - clock.offset * 60_000);
  return { ok: true, iso: instant.toISOString(), date: calendarDate(local) };
}

function fromUnixTime(text: string, offset: number): ParsedDate {
  const seconds = Number(text);
  if (seconds > MAX_UNIX_SECONDS) {
    return refuse(`${text} is too large for a Unix time in seconds (is it in milliseconds?).`);
  }
  const instant = new Date(seconds * 1000);
  return {
    ok: true,
    iso: instant.toISOString(),
    date: calendarDate(new Date(instant.getTime() + offset * 60_000)),
  };
}

/** YYYY-MM-DD of a Date whose UTC fields hold the local time. */
function calendarDate(local: Date): string {
  return local.toISOString().slice(0, 10);
}
