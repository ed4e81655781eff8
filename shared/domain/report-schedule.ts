/**
 * Report schedules: a report of the catalog run on a cron (in a time zone) as its owner, and its CSV mailed to
 * recipients by a presigned link. The owner's scope is resolved at each run, so a schedule never reaches
 * further than its owner still may. The settings say which email domains may receive reports.
 */
import { CronExpressionParser } from 'cron-parser';
import * as z from 'zod';
import { Id, IsoDateTime, PageQuery, text } from './common.ts';
import { Email } from './user.ts';

/** A report may be mailed to at most this many people per schedule. */
export const MAX_RECIPIENTS = 20;

/** A delivered CSV link stays valid this long (S3's longest presigned URL). */
export const DELIVERY_LINK_SECONDS = 7 * 24 * 3600;

/**
 * A 5-field cron (minute hour day-of-month month day-of-week), at most hourly: one minute value, so two
 * runs are at least an hour apart. No seconds field, no `@` macros, no `H` (random) values.
 */
export const Cron = z
  .string()
  .trim()
  .max(100)
  .superRefine((value, context) => {
    const problem = cronProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  })
  .describe('5-field cron in the schedule\'s time zone, at most hourly: "0 7 * * 1" is Mondays at 07:00');

/** An IANA time zone the runtime knows (`Europe/Paris`, `UTC`). */
export const TimeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Paris, UTC)')
  .describe('IANA time zone the cron is read in');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why `cron` is not an accepted schedule, or null. */
export function cronProblem(cron: string): string | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5)
    return `a cron has 5 fields (minute hour day-of-month month day-of-week); this one has ${fields.length}`;
  // No month or day name starts with H: a token that does is cron-parser's random value.
  if (cron.includes('@') || fields.some((field) => field.split(/[,/-]/).some((token) => /^h/i.test(token))))
    return 'H (random) values and @ macros are not accepted: write the 5 fields';
  let minutes: number;
  try {
    minutes = CronExpressionParser.parse(cron).fields.minute.values.length;
  } catch (error) {
    return `not a valid cron: ${(error as Error).message}`;
  }
  if (minutes !== 1)
    return 'runs more often than hourly: give the minute field a single value ("0", not "*/15")';
  return null;
}

/** The first time after `after` the cron names, read in `timeZone`. */
export function nextRunAfter(cron: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { tz: timeZone, currentDate: after }).next().toDate();
}

/**
 * The period a scheduled run covers, taken afresh at each run in the schedule's time zone: the run fills the
 * report's `from` and `to` (the last full week, Monday to Sunday; month; quarter; year; or the N days before
 * the run's day). Without it a schedule re-runs the same fixed period.
 */
export const RELATIVE_PERIODS = [
  'previous-week',
  'previous-month',
  'previous-quarter',
  'previous-year',
  'last-7-days',
  'last-30-days',
] as const;
export const RelativePeriod = z.enum(RELATIVE_PERIODS);
export type RelativePeriod = z.infer<typeof RelativePeriod>;

/** The days (`YYYY-MM-DD`, both inclusive) `period` covers for a run at `at`, read in `timeZone`. */
export function periodDates(
  period: RelativePeriod,
  at: Date,
  timeZone: string,
): { from: string; to: string } {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(at)
    .split('-')
    .map(Number) as [number, number, number];
  // Calendar arithmetic on UTC dates: the local day is already chosen, so no offset moves it.
  const date = (y: number, m: number, d: number) =>
    new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
  switch (period) {
    case 'previous-week': {
      const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7; // Monday 0
      return { from: date(year, month, day - weekday - 7), to: date(year, month, day - weekday - 1) };
    }
    case 'previous-month':
      return { from: date(year, month - 1, 1), to: date(year, month, 0) };
    case 'previous-quarter': {
      const firstMonth = Math.floor((month - 1) / 3) * 3 + 1;
      return { from: date(year, firstMonth - 3, 1), to: date(year, firstMonth, 0) };
    }
    case 'previous-year':
      return { from: date(year - 1, 1, 1), to: date(year - 1, 12, 31) };
    case 'last-7-days':
      return { from: date(year, month, day - 7), to: date(year, month, day - 1) };
    case 'last-30-days':
      return { from: date(year, month, day - 30), to: date(year, month, day - 1) };
  }
}

export const ReportFormat = z.enum(['json', 'csv']);

export const ReportScheduleStatus = z.enum(['active', 'paused']);

export const ReportSchedule = z
  .object({
    id: Id,
    /** The catalog report's name (`compliance`). */
    report: z.string(),
    params: z.record(z.string(), z.unknown()),
    /** Each run's `from`/`to`, when the schedule covers a moving period. */
    period: RelativePeriod.nullable().default(null),
    format: ReportFormat,
    cron: z.string(),
    timezone: z.string(),
    recipients: z.array(Email),
    status: ReportScheduleStatus,
    /** Why it is paused: by its owner or an admin, or because its owner may no longer run the report. */
    pausedReason: z.string().nullable(),
    /** Whose run it is: the report runs in their scope, resolved at each run. */
    ownerId: z.string(),
    /** The role it was created under: `admin` (the whole organisation) or `manager` (their subtrees). */
    ownerRole: z.enum(['admin', 'manager']),
    /** When it runs next (UTC); the tick requests the run at or after it. Null while paused. */
    nextRunAt: IsoDateTime.nullable(),
    lastRunId: z.string().nullable(),
    lastRunAt: IsoDateTime.nullable(),
    /** The last run that could not be requested or failed, in a sentence. */
    lastError: z.string().nullable(),
    createdAt: IsoDateTime,
    createdBy: z.string(),
    version: z.number().int().min(1),
  })
  .meta({ id: 'ReportSchedule' });
export type ReportSchedule = z.infer<typeof ReportSchedule>;

export const CreateReportScheduleBody = z
  .strictObject({
    report: z.string().min(1).max(64).describe('A report of the catalog (GET /reports)'),
    params: z.record(z.string(), z.unknown()).default({}).describe("The report's parameters, checked now"),
    period: RelativePeriod.optional().describe(
      "A moving period: each run sets the report's from and to to it (the report must take a period)",
    ),
    format: ReportFormat.default('csv'),
    cron: Cron,
    timezone: TimeZone.default('UTC'),
    recipients: z
      .array(Email)
      .min(1)
      .max(MAX_RECIPIENTS)
      .describe('Who receives the link; each in an allowed domain (GET /settings/report-delivery)'),
  })
  .meta({ id: 'CreateReportSchedule' });
export type CreateReportScheduleInput = z.infer<typeof CreateReportScheduleBody>;

export const UpdateReportScheduleBody = z
  .strictObject({
    status: ReportScheduleStatus.describe(
      'paused: no runs until resumed; active: runs from the next cron time',
    ),
    reason: text(300).optional().describe('Why it is paused (kept on the schedule)'),
  })
  .meta({ id: 'UpdateReportSchedule' });
export type UpdateReportScheduleInput = z.infer<typeof UpdateReportScheduleBody>;

export const ReportScheduleIdParams = z.strictObject({ id: Id });
export const ListReportSchedulesQuery = PageQuery;

/** A run a schedule requested and has not mailed yet. */
export interface PendingDelivery {
  readonly scheduleId: string;
  readonly jobId: string;
  readonly requestedAt: string;
}

/** Who may receive scheduled reports: the email domains an admin allows. */
export const ReportDeliverySettings = z
  .object({
    recipientDomains: z.array(z.string()),
    updatedAt: IsoDateTime.nullable(),
    updatedBy: z.string().nullable(),
    /** 1 while the defaults (no domain) stand. */
    version: z.number().int().min(1),
  })
  .meta({ id: 'ReportDeliverySettings' });
export type ReportDeliverySettings = z.infer<typeof ReportDeliverySettings>;

export const DEFAULT_REPORT_DELIVERY: ReportDeliverySettings = {
  recipientDomains: [],
  updatedAt: null,
  updatedBy: null,
  version: 1,
};

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, 'not a domain name (example.com)');

export const UpdateReportDeliveryBody = z
  .strictObject({
    recipientDomains: z.array(Domain).max(50).describe('Email domains scheduled reports may be sent to'),
  })
  .meta({ id: 'UpdateReportDeliverySettings' });
export type UpdateReportDeliveryInput = z.infer<typeof UpdateReportDeliveryBody>;

/** The domain of an email, lower-case. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
