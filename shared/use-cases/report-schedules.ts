/**
 * Scheduled delivery of reports (`/report-schedules`) and the tick that runs them (job `report-schedules`).
 * Creating: the report exists and the caller may run it -> its params pass the report's schema (and a
 * manager's `department` is in their subtree) -> every recipient is in an allowed domain -> stored with its
 * first `nextRunAt`, audited.
 * Each tick: (a) for every schedule due, resolve its owner as they stand now (one who lost the role pauses
 * it, with the reason) -> advance `nextRunAt` with a conditional write (only one tick wins a slot) -> request
 * the run as the owner (`requestReportRun`, origin `{ scheduleId }`) -> remember it for delivery; (b) for every
 * requested run that ended, mail the recipients a presigned link to its CSV (or the failure), audited.
 */
import type { AuditRecord } from '../domain/audit.ts';
import {
  DomainError,
  InvalidInputError,
  NotFoundError,
  OutOfScopeError,
  StaleVersionError,
} from '../domain/errors.ts';
import type { Job } from '../domain/job.ts';
import {
  type Actor,
  actorId,
  actsOrganisationWide,
  type Principal,
  systemActor,
} from '../domain/principal.ts';
import {
  type CreateReportScheduleInput,
  DEFAULT_REPORT_DELIVERY,
  DELIVERY_LINK_SECONDS,
  emailDomain,
  nextRunAfter,
  type PendingDelivery,
  periodDates,
  type ReportDeliverySettings,
  type ReportSchedule,
  type UpdateReportDeliveryInput,
  type UpdateReportScheduleInput,
} from '../domain/report-schedule.ts';
import { findReport } from '../reports/catalog.ts';
import { accessScope, canSeeDepartment } from './access-scope.ts';
import { auditChange } from './context.ts';
import type {
  AdminSeats,
  DepartmentRepository,
  JobRepository,
  Page,
  PageRequest,
  Runtime,
  UserRepository,
} from './ports.ts';

export interface ReportScheduleRepository {
  get(id: string): Promise<ReportSchedule | undefined>;
  /** Every schedule, or only `ownerId`'s, by owner then creation. */
  list(filter: { ownerId?: string }, page: PageRequest): Promise<Page<ReportSchedule>>;
  create(schedule: ReportSchedule, audit: AuditRecord): Promise<void>;
  /** Replaces `before` while it is still at its version (StaleVersionError otherwise), with its audit record. */
  update(before: ReportSchedule, after: ReportSchedule, audit: AuditRecord | null): Promise<void>;
  /** Deletes it and the deliveries it still owes, while at its version. */
  delete(schedule: ReportSchedule, audit: AuditRecord): Promise<void>;
  /** Active schedules whose `nextRunAt` is `now` or earlier, soonest first. */
  due(now: string, limit: number): Promise<ReportSchedule[]>;
  /**
   * Records a requested run (`jobId`) or why none could be (`error`) on the schedule; a run is also kept as
   * a pending delivery; `audit` says what the recipients were told. Nothing when the schedule was deleted
   * meanwhile.
   */
  recordRun(
    scheduleId: string,
    run: { jobId: string | null; at: string; error: string | null },
    audit: AuditRecord | null,
  ): Promise<void>;
  /** Runs requested and not mailed yet, oldest first. */
  pendingDeliveries(limit: number): Promise<PendingDelivery[]>;
  /** Takes the delivery until `until` unless another tick holds it (false). */
  claimDelivery(delivery: PendingDelivery, until: string, now: string): Promise<boolean>;
  /** The delivery is done (or moot): removed, with its audit record when mail went out. */
  completeDelivery(delivery: PendingDelivery, audit: AuditRecord | null): Promise<void>;
}

export interface ReportDeliverySettingsRepository {
  /** Undefined while the defaults (no allowed domain) stand. */
  reportDelivery(): Promise<ReportDeliverySettings | undefined>;
  saveReportDelivery(
    before: ReportDeliverySettings,
    after: ReportDeliverySettings,
    audit: AuditRecord,
  ): Promise<void>;
}

/**
 * The report runs (the runs-api's `requestReportRun(ports, principal, name, body, origin)`, bound to its
 * ports): creates the run, queued, in the principal's scope.
 */
export type RequestReportRun = (
  principal: Principal,
  name: string,
  body: { params: Record<string, unknown>; format: 'json' | 'csv' },
  origin: { scheduleId: string },
) => Promise<Job>;

export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

/** Sends mail (SES in AWS, `.eml` files in a folder locally). */
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}

/** A time-limited download link to an object of the analytics bucket (a run's CSV). */
export interface ReportFileLinks {
  link(key: string, expiresInSeconds: number): Promise<string>;
}

export interface ReportScheduleDeps {
  schedules: ReportScheduleRepository;
  settings: ReportDeliverySettingsRepository;
  departments: Pick<DepartmentRepository, 'managedBy' | 'subtree'>;
  runtime: Runtime;
}

export interface ReportScheduleTickDeps extends ReportScheduleDeps {
  users: Pick<UserRepository, 'get'>;
  adminSeats: Pick<AdminSeats, 'holds'>;
  jobs: Pick<JobRepository, 'get'>;
  requestRun: RequestReportRun;
  mailer: Mailer;
  links: ReportFileLinks;
}

/** Schedules read and deliveries sent per tick; the rest wait for the next tick (every 5 minutes). */
const PER_TICK = 100;
/** How long a tick holds a delivery it is mailing. */
const DELIVERY_CLAIM_MS = 5 * 60_000;

export async function reportDeliverySettings(
  deps: Pick<ReportScheduleDeps, 'settings'>,
): Promise<ReportDeliverySettings> {
  return (await deps.settings.reportDelivery()) ?? DEFAULT_REPORT_DELIVERY;
}

/** Steps: at the If-Match version -> write with its audit record. */
export async function updateReportDeliverySettings(
  deps: Pick<ReportScheduleDeps, 'settings' | 'runtime'>,
  actor: Actor,
  expectedVersion: number | undefined,
  input: UpdateReportDeliveryInput,
): Promise<ReportDeliverySettings> {
  const before = await reportDeliverySettings(deps);
  if (expectedVersion !== undefined && before.version !== expectedVersion)
    throw new StaleVersionError('settings', 'report-delivery', expectedVersion, before.version);
  const after: ReportDeliverySettings = {
    recipientDomains: [...new Set(input.recipientDomains)].sort(),
    updatedAt: deps.runtime.now().toISOString(),
    updatedBy: actorId(actor.principal),
    version: before.version + 1,
  };
  await deps.settings.saveReportDelivery(
    before,
    after,
    auditChange(deps.runtime, actor, 'settings.updated', 'settings:report-delivery', before, after),
  );
  return after;
}

export async function createReportSchedule(
  deps: ReportScheduleDeps,
  actor: Actor,
  input: CreateReportScheduleInput,
): Promise<ReportSchedule> {
  const { principal } = actor;
  const report = findReport(input.report);
  if (!report)
    throw new InvalidInputError(`There is no report named ${input.report}; GET /reports lists them.`, [
      { path: 'body.report', message: 'unknown report' },
    ]);
  const organisationWide = actsOrganisationWide(principal);
  if (!organisationWide && !report.roles.some((role) => principal.roles.includes(role)))
    throw new OutOfScopeError(`You may not run the report ${report.name}, so you may not schedule it.`);
  if (!principal.userId)
    throw new OutOfScopeError('A schedule runs as a person: sign in with a login linked to your profile.');
  // A moving period fills from/to at each run: checked here with the dates it gives today.
  const period = input.period ?? null;
  if (period && !('from' in reportParamFields(report) && 'to' in reportParamFields(report)))
    throw new InvalidInputError(`The report ${report.name} takes no period.`, [
      { path: 'body.period', message: 'this report has no from and to' },
    ]);
  const parsed = report.params.safeParse({
    ...input.params,
    ...(period ? periodDates(period, deps.runtime.now(), input.timezone) : {}),
  });
  if (!parsed.success)
    throw new InvalidInputError(
      `The parameters do not fit the report ${report.name}.`,
      parsed.error.issues.map((issue) => ({
        path: ['body', 'params', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  const params = parsed.data as Record<string, unknown>;
  if (!organisationWide && typeof params.department === 'string') {
    const scope = await accessScope(principal, deps);
    if (!canSeeDepartment(scope, params.department))
      throw new OutOfScopeError(`The department ${params.department} is outside the departments you manage.`);
  }
  const allowed = new Set((await reportDeliverySettings(deps)).recipientDomains);
  const refused = input.recipients.flatMap((email, index) =>
    allowed.has(emailDomain(email))
      ? []
      : [{ path: `body.recipients.${index}`, message: `${emailDomain(email)} is not an allowed domain` }],
  );
  if (refused.length > 0)
    throw new InvalidInputError(
      allowed.size === 0
        ? 'No email domain may receive reports yet: an administrator allows them (PUT /settings/report-delivery).'
        : `Reports may only be sent to ${[...allowed].join(', ')}.`,
      refused,
    );
  const now = deps.runtime.now();
  const schedule: ReportSchedule = {
    id: deps.runtime.newId(),
    report: report.name,
    params: period ? withoutPeriod(params) : params,
    period,
    format: input.format,
    cron: input.cron,
    timezone: input.timezone,
    recipients: [...new Set(input.recipients.map((email) => email.toLowerCase()))],
    status: 'active',
    pausedReason: null,
    ownerId: principal.userId,
    ownerRole: principal.roles.includes('admin') ? 'admin' : 'manager',
    nextRunAt: nextRunAfter(input.cron, input.timezone, now).toISOString(),
    lastRunId: null,
    lastRunAt: null,
    lastError: null,
    createdAt: now.toISOString(),
    createdBy: actorId(principal),
    version: 1,
  };
  await deps.schedules.create(
    schedule,
    auditChange(
      deps.runtime,
      actor,
      'report-schedule.created',
      `report-schedule:${schedule.id}`,
      null,
      schedule,
    ),
  );
  return schedule;
}

/** Admins see every schedule; a manager their own. */
export async function listReportSchedules(
  deps: Pick<ReportScheduleDeps, 'schedules'>,
  principal: Principal,
  page: PageRequest,
): Promise<Page<ReportSchedule>> {
  if (actsOrganisationWide(principal)) return deps.schedules.list({}, page);
  return deps.schedules.list({ ownerId: principal.userId ?? principal.sub }, page);
}

export async function getReportSchedule(
  deps: Pick<ReportScheduleDeps, 'schedules'>,
  principal: Principal,
  id: string,
): Promise<ReportSchedule> {
  const schedule = await deps.schedules.get(id);
  if (!schedule) throw new NotFoundError('report schedule', id);
  if (!actsOrganisationWide(principal) && schedule.ownerId !== principal.userId)
    throw new OutOfScopeError(`The report schedule ${id} is someone else's.`);
  return schedule;
}

/** Pauses (with the reason) or resumes (from the next cron time after now). */
export async function updateReportSchedule(
  deps: Pick<ReportScheduleDeps, 'schedules' | 'runtime'>,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  input: UpdateReportScheduleInput,
): Promise<ReportSchedule> {
  const before = await getReportSchedule(deps, actor.principal, id);
  if (expectedVersion !== undefined && before.version !== expectedVersion)
    throw new StaleVersionError('report schedule', id, expectedVersion, before.version);
  if (before.status === input.status) return before;
  const now = deps.runtime.now();
  const after: ReportSchedule =
    input.status === 'paused'
      ? { ...before, status: 'paused', pausedReason: input.reason ?? 'paused', nextRunAt: null }
      : {
          ...before,
          status: 'active',
          pausedReason: null,
          nextRunAt: nextRunAfter(before.cron, before.timezone, now).toISOString(),
        };
  const next = { ...after, version: before.version + 1 };
  await deps.schedules.update(
    before,
    next,
    auditChange(
      deps.runtime,
      actor,
      `report-schedule.${input.status === 'paused' ? 'paused' : 'resumed'}`,
      `report-schedule:${id}`,
      before,
      next,
    ),
  );
  return next;
}

export async function deleteReportSchedule(
  deps: Pick<ReportScheduleDeps, 'schedules' | 'runtime'>,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const schedule = await getReportSchedule(deps, actor.principal, id);
  if (expectedVersion !== undefined && schedule.version !== expectedVersion)
    throw new StaleVersionError('report schedule', id, expectedVersion, schedule.version);
  await deps.schedules.delete(
    schedule,
    auditChange(deps.runtime, actor, 'report-schedule.deleted', `report-schedule:${id}`, schedule, null),
  );
}

export interface ReportScheduleTickResult {
  requested: number;
  /** Schedules another tick took first. */
  skipped: number;
  /** Schedules whose owner may no longer run them, paused. */
  paused: number;
  /** Runs that could not be requested (their recipients were told why). */
  refused: number;
  delivered: number;
}

/** One tick: requests the runs due, then mails the runs that ended. */
export async function runReportScheduleTick(
  deps: ReportScheduleTickDeps,
  at: Date,
): Promise<ReportScheduleTickResult> {
  const result: ReportScheduleTickResult = { requested: 0, skipped: 0, paused: 0, refused: 0, delivered: 0 };
  // One schedule's or delivery's failure (SQS, SES down) does not hold up the others; the tick then fails
  // naming them all, so it is counted and alarms. A delivery that failed stays pending for the next tick.
  const failures: Error[] = [];
  for (const schedule of await deps.schedules.due(at.toISOString(), PER_TICK)) {
    try {
      result[await startScheduledRun(deps, schedule, at)] += 1;
    } catch (error) {
      failures.push(new Error(`schedule ${schedule.id}: ${(error as Error).message}`));
      await deps.schedules
        .recordRun(schedule.id, { jobId: null, at: at.toISOString(), error: (error as Error).message }, null)
        .catch(() => undefined);
    }
  }
  for (const delivery of await deps.schedules.pendingDeliveries(PER_TICK)) {
    try {
      if (await deliver(deps, delivery, at)) result.delivered += 1;
    } catch (error) {
      failures.push(new Error(`delivery of run ${delivery.jobId}: ${(error as Error).message}`));
    }
  }
  if (failures.length > 0)
    throw new AggregateError(failures, failures.map((failure) => failure.message).join('; '));
  return result;
}

type StartOutcome = 'requested' | 'skipped' | 'paused' | 'refused';

async function startScheduledRun(
  deps: ReportScheduleTickDeps,
  schedule: ReportSchedule,
  at: Date,
): Promise<StartOutcome> {
  const actor = systemActor('job:report-schedules', `report-schedules:${at.toISOString()}`);
  const owner = await ownerAsTheyStand(deps, schedule);
  if ('lost' in owner) {
    const after: ReportSchedule = {
      ...schedule,
      status: 'paused',
      pausedReason: owner.lost,
      nextRunAt: null,
      version: schedule.version + 1,
    };
    const audit = auditChange(
      deps.runtime,
      actor,
      'report-schedule.paused',
      `report-schedule:${schedule.id}`,
      schedule,
      after,
    );
    return (await claimed(deps.schedules.update(schedule, after, audit))) ? 'paused' : 'skipped';
  }
  // The slot is this tick's only if the schedule is still at the version read: two ticks never both run it.
  const advanced: ReportSchedule = {
    ...schedule,
    nextRunAt: nextRunAfter(schedule.cron, schedule.timezone, at).toISOString(),
    lastRunAt: at.toISOString(),
    version: schedule.version + 1,
  };
  if (!(await claimed(deps.schedules.update(schedule, advanced, null)))) return 'skipped';
  try {
    const job = await deps.requestRun(
      owner.principal,
      schedule.report,
      {
        params: schedule.period
          ? { ...schedule.params, ...periodDates(schedule.period, at, schedule.timezone) }
          : schedule.params,
        format: schedule.format,
      },
      { scheduleId: schedule.id },
    );
    await deps.schedules.recordRun(schedule.id, { jobId: job.id, at: at.toISOString(), error: null }, null);
    return 'requested';
  } catch (error) {
    // A refusal (the params no longer fit, no export yet, a department now out of scope) is told, not thrown.
    if (!(error instanceof DomainError)) throw error;
    await deps.mailer.send({
      to: schedule.recipients,
      subject: `${reportTitle(schedule)}: not run`,
      text: `The scheduled report ${reportTitle(schedule)} (schedule ${schedule.id}) could not run at ${at.toISOString()}:\n\n${error.message}\n`,
    });
    await deps.schedules.recordRun(
      schedule.id,
      { jobId: null, at: at.toISOString(), error: error.message },
      auditChange(deps.runtime, actor, 'report-schedule.delivered', `report-schedule:${schedule.id}`, null, {
        outcome: 'not-run',
        reason: error.message,
        recipients: schedule.recipients,
      }),
    );
    return 'refused';
  }
}

/** Whether a conditional write won: a stale version means another tick (or a person) came first. */
async function claimed(write: Promise<void>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof StaleVersionError) return false;
    throw error;
  }
}

/** The owner as a principal with the role they still hold, or why they may no longer run the schedule. */
async function ownerAsTheyStand(
  deps: ReportScheduleTickDeps,
  schedule: ReportSchedule,
): Promise<{ principal: Principal } | { lost: string }> {
  const user = await deps.users.get(schedule.ownerId);
  if (!user || user.erasedAt || user.status !== 'active')
    return { lost: `Its owner ${schedule.ownerId} is no longer an active person.` };
  if (schedule.ownerRole === 'admin') {
    if (!(await deps.adminSeats.holds(user.id)))
      return { lost: `Its owner ${user.email} is no longer an administrator.` };
  } else if ((await deps.departments.managedBy(user.id)).length === 0) {
    return { lost: `Its owner ${user.email} no longer manages a department.` };
  }
  return {
    principal: {
      sub: `report-schedule:${schedule.id}`,
      userId: user.id,
      email: user.email,
      roles: [schedule.ownerRole],
    },
  };
}

/** Mails a run that ended (succeeded: its CSV link; failed: why), once. False while it has not ended. */
async function deliver(deps: ReportScheduleTickDeps, delivery: PendingDelivery, at: Date): Promise<boolean> {
  const job = await deps.jobs.get(delivery.jobId);
  const schedule = await deps.schedules.get(delivery.scheduleId);
  if (!job || !schedule) {
    // The run or the schedule is gone: nothing to tell anyone.
    await deps.schedules.completeDelivery(delivery, null);
    return false;
  }
  if (job.status === 'queued' || job.status === 'running') return false;
  const until = new Date(at.getTime() + DELIVERY_CLAIM_MS).toISOString();
  if (!(await deps.schedules.claimDelivery(delivery, until, at.toISOString()))) return false;
  const title = reportTitle(schedule);
  const csv = job.outputs.csv;
  let message: MailMessage;
  if (job.status === 'succeeded' && csv) {
    const link = await deps.links.link(csv, DELIVERY_LINK_SECONDS);
    const rows = job.result?.rows;
    const exportedAt = job.result?.exportedAt;
    message = {
      to: schedule.recipients,
      subject: `${title}: ${typeof rows === 'number' ? `${rows} rows` : 'ready'}`,
      text: [
        `The scheduled report ${title} ran at ${job.finishedAt ?? at.toISOString()}.`,
        typeof exportedAt === 'string' ? `Its data is the analytics export of ${exportedAt}.` : '',
        '',
        `Download the CSV (the link works for 7 days):`,
        link,
        '',
        `Schedule ${schedule.id}, run ${job.id}.`,
      ]
        .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
        .join('\n'),
    };
  } else {
    message = {
      to: schedule.recipients,
      subject: `${title}: failed`,
      text: `The scheduled report ${title} (schedule ${schedule.id}, run ${job.id}) did not finish: ${job.failure?.message ?? job.status}.\n`,
    };
  }
  const sent = await deps.mailer.send(message);
  const actor = systemActor('job:report-schedules', `report-schedules:${at.toISOString()}`);
  await deps.schedules.completeDelivery(
    delivery,
    auditChange(deps.runtime, actor, 'report-schedule.delivered', `report-schedule:${schedule.id}`, null, {
      jobId: job.id,
      outcome: job.status === 'succeeded' && csv ? 'link' : 'failure',
      recipients: schedule.recipients,
      messageId: sent.messageId,
    }),
  );
  return true;
}

function reportTitle(schedule: ReportSchedule): string {
  return findReport(schedule.report)?.title ?? schedule.report;
}

/** The top-level fields a report's parameters take (its zod object's shape; zod 4 keeps refinements on it). */
function reportParamFields(report: { params: unknown }): Record<string, unknown> {
  return (report.params as { shape?: Record<string, unknown> }).shape ?? {};
}

/** A schedule with a moving period keeps every parameter but the dates it sets at each run. */
function withoutPeriod(params: Record<string, unknown>): Record<string, unknown> {
  const { from: _from, to: _to, ...rest } = params;
  return rest;
}
