/**
 * The SCORM time formats: 1.2's CMITimespan (`HHHH:MM:SS.SS`) and CMITime (a clock time), 2004's
 * timeinterval (an ISO 8601 duration) and time (an ISO 8601 timestamp). Durations are counted in hundredths
 * of a second, the precision both versions guarantee, so sums never collect floating-point dust.
 */

/** SCORM 1.2 RTE 3.4.1: hours 2 to 4 digits, minutes and seconds 2 digits, 1 or 2 decimals of a second. */
const TIMESPAN_12 = /^(\d{2,4}):(\d{2}):(\d{2})(?:\.(\d{1,2}))?$/;
const CLOCK_TIME_12 = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,2})?$/;
/** SCORM 2004 RTE 4.1.1.7: `P[yY][mM][dD][T[hH][nM][s[.s]S]]`; weeks are not part of SCORM's format. */
const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const TIMESTAMP =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?)?)?)?$/;

const DAY = 86_400;
/** The largest CMITimespan: four digits of hours. */
const MAX_TIMESPAN_12_HUNDREDTHS = (9999 * 3600 + 59 * 60 + 59) * 100 + 99;

/** Seconds in a SCORM 1.2 CMITimespan (`0000:01:30.00` is 90), or undefined when it is not one. */
export function timespan12ToSeconds(value: string): number | undefined {
  const match = TIMESPAN_12.exec(value);
  if (!match) return undefined;
  const [, hours, minutes, seconds, fraction = ''] = match;
  const whole = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  return (whole * 100 + Number(fraction.padEnd(2, '0'))) / 100;
}

/** A SCORM 1.2 CMITimespan with four digits of hours and two decimals: 135 is `0000:02:15.00`. */
export function secondsToTimespan12(seconds: number): string {
  const hundredths = Math.min(toHundredths(seconds), MAX_TIMESPAN_12_HUNDREDTHS);
  const whole = Math.floor(hundredths / 100);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return (
    `${pad(Math.floor(whole / 3600), 4)}:${pad(Math.floor(whole / 60) % 60, 2)}:${pad(whole % 60, 2)}` +
    `.${pad(hundredths % 100, 2)}`
  );
}

/** A SCORM 1.2 CMITime: a clock time `HH:MM:SS`, optionally with 1 or 2 decimals of a second. */
export function isClockTime12(value: string): boolean {
  return CLOCK_TIME_12.test(value);
}

/**
 * Seconds in a SCORM 2004 timeinterval (`PT1M30S` is 90), or undefined when it is not one. A year counts 365
 * days and a month 30, as scorm-again counts them; the spec leaves their length open.
 */
export function durationToSeconds(value: string): number | undefined {
  const match = DURATION.exec(value);
  // `P` alone, and a `T` with no time part after it, are not durations.
  if (!match || value === 'P' || value.endsWith('T')) return undefined;
  const [, years, months, days, hours, minutes, seconds] = match;
  const whole =
    (Number(years ?? 0) * 365 + Number(months ?? 0) * 30 + Number(days ?? 0)) * DAY +
    Number(hours ?? 0) * 3600 +
    Number(minutes ?? 0) * 60;
  return (whole * 100 + toHundredths(Number(seconds ?? 0))) / 100;
}

/** A SCORM 2004 timeinterval in hours, minutes and seconds: 135 is `PT2M15S`, 0 is `PT0S`. */
export function secondsToDuration(seconds: number): string {
  const hundredths = toHundredths(seconds);
  const whole = Math.floor(hundredths / 100);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor(whole / 60) % 60;
  const fraction = hundredths % 100;
  const secondsPart = `${whole % 60}${fraction ? `.${String(fraction).padStart(2, '0').replace(/0$/, '')}` : ''}`;
  const parts = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${hundredths % 6000 ? `${secondsPart}S` : ''}`;
  return `PT${parts || '0S'}`;
}

/**
 * A SCORM 2004 time (second,10,2): an ISO 8601 timestamp from 1970 to 2038, as precise as the SCO likes, with
 * an optional time zone once there is a time of day.
 */
export function isTimestamp2004(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, zone, zoneHours, zoneMinutes] = match;
  const within = (part: string | undefined, min: number, max: number) =>
    part === undefined || (Number(part) >= min && Number(part) <= max);
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month ?? 1), 0)).getUTCDate();
  return (
    within(year, 1970, 2038) &&
    within(month, 1, 12) &&
    within(day, 1, daysInMonth) &&
    within(hour, 0, 23) &&
    within(minute, 0, 59) &&
    within(second, 0, 59) &&
    (zone === undefined || zone === 'Z' || (within(zoneHours, 0, 23) && within(zoneMinutes, 0, 59)))
  );
}

function toHundredths(seconds: number): number {
  return Math.max(0, Math.round(seconds * 100));
}
