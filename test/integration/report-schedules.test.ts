/**
 * Report schedules against DynamoDB Local and the S3 emulator, through the use cases and their real stores,
 * with the report runs behind the tick's port (`requestRun`) played by the test, which ends the run it was
 * asked for and writes its CSV where the worker would, so each outcome (success, failure) is chosen here;
 * test/e2e/report-schedules.test.ts runs the same tick with the real runs and worker. Creating
 * refuses bad input naming the field and stores nothing; each tick requests a due run once (two ticks at
 * once: one wins), mails a presigned link that downloads the CSV, mails a failure, and pauses a schedule
 * whose owner no longer manages a department.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDb, s3Client, s3PresignerClient } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { InvalidInputError, OutOfScopeError, StaleVersionError } from '../../shared/domain/errors.ts';
import type { Job } from '../../shared/domain/job.ts';
import type { Principal } from '../../shared/domain/principal.ts';
import { DynamoAdminSeats } from '../../shared/store/admin-seats.ts';
import { DynamoAuditTrail } from '../../shared/store/audit-store.ts';
import { DynamoJobRepository } from '../../shared/store/content-store.ts';
import { FolderMailer } from '../../shared/store/mail.ts';
import { analyticsLinks, reportSchedulePorts } from '../../shared/store/report-schedule-wiring.ts';
import { DynamoUserRepository } from '../../shared/store/user-store.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { createDepartment, updateDepartment } from '../../shared/use-cases/departments.ts';
import {
  createReportSchedule,
  listReportSchedules,
  type ReportScheduleTickDeps,
  type RequestReportRun,
  reportDeliverySettings,
  runReportScheduleTick,
  updateReportDeliverySettings,
} from '../../shared/use-cases/report-schedules.ts';
import { createUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail, uniqueName } from '../support/actors.ts';

const PARAMS = { from: '2026-01-01', to: '2026-03-31', granularity: 'month' };
let mailDir: string;
let jobs: DynamoJobRepository;
/** What the tick asked the report runs for, in order. */
const requested: {
  principal: Principal;
  name: string;
  scheduleId: string;
  params: unknown;
  job: Job;
}[] = [];

/** The runs-api's requestReportRun, as the tick sees it: a queued report job, its input as the contract says. */
const requestRun: RequestReportRun = async (principal, name, body, origin) => {
  const now = new Date().toISOString();
  const job: Job = {
    id: randomUUID(),
    type: 'report',
    status: 'queued',
    target: `report:${name}`,
    createdBy: principal.userId ?? principal.sub,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    progress: { step: 'queued', done: 0, total: 0 },
    failure: null,
    findings: [],
    input: { report: name, ...body, requestedBy: principal.userId, scheduleId: origin.scheduleId },
    result: null,
    counts: {},
    outputs: {},
    leaseUntil: null,
    version: 1,
  };
  await jobs.create(job, null);
  requested.push({ principal, name, scheduleId: origin.scheduleId, params: body.params, job });
  return job;
};

/** The worker's end of a run: succeeded with its CSV in the analytics bucket, or failed. */
async function finishRun(job: Job, outcome: { csv: string } | { failure: string }): Promise<void> {
  const finishedAt = new Date().toISOString();
  if ('csv' in outcome) {
    const key = `reports/${job.id}/report.csv`;
    await s3Client().send(
      new PutObjectCommand({ Bucket: requireSetting('analyticsBucket'), Key: key, Body: outcome.csv }),
    );
    await jobs.save(
      {
        ...job,
        status: 'succeeded',
        finishedAt,
        result: { rows: 2, exportedAt: '2026-03-30T02:00:00.000Z' },
        outputs: { rows: `reports/${job.id}/rows.json`, csv: key },
        version: job.version + 1,
      },
      job.version,
    );
  } else {
    await jobs.save(
      {
        ...job,
        status: 'failed',
        finishedAt,
        failure: { code: 'scan-limit', message: outcome.failure },
        version: job.version + 1,
      },
      job.version,
    );
  }
}

function tickPorts(): ReportScheduleTickDeps {
  const tableName = requireSetting('tableName');
  return {
    ...reportSchedulePorts(),
    users: new DynamoUserRepository(dynamoDb(), tableName),
    adminSeats: new DynamoAdminSeats(dynamoDb(), tableName),
    jobs,
    requestRun,
    mailer: new FolderMailer(mailDir, 'reports@example.com'),
    links: analyticsLinks(s3PresignerClient(), requireSetting('analyticsBucket')),
  };
}

async function mails(): Promise<string[]> {
  const files = (await readdir(mailDir).catch(() => [])).sort();
  return Promise.all(files.map((file) => readFile(path.join(mailDir, file), 'utf8')));
}

/** A person with a profile and, for an admin, their seat. */
async function person(roles: 'admin' | 'manager') {
  const user = await createUser(organisationPorts(), actor(), {
    email: uniqueEmail(roles),
    givenName: 'Sky',
    familyName: 'Scheduler',
  });
  if (roles === 'admin') await new DynamoAdminSeats(dynamoDb(), requireSetting('tableName')).grant(user.id);
  return { user, actor: actor([roles], user.id, user.email) };
}

beforeAll(async () => {
  mailDir = await mkdtemp(path.join(tmpdir(), 'lms-schedule-mail-'));
  jobs = new DynamoJobRepository(dynamoDb(), requireSetting('tableName'));
  // The seed allows example.com; make sure whatever another test left.
  const ports = reportSchedulePorts();
  for (;;) {
    const current = await reportDeliverySettings(ports);
    if (current.recipientDomains.includes('example.com')) break;
    try {
      await updateReportDeliverySettings(ports, actor(), current.version, {
        recipientDomains: [...current.recipientDomains, 'example.com'],
      });
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
    }
  }
});

afterAll(async () => {
  await rm(mailDir, { recursive: true, force: true });
});

describe('createReportSchedule', () => {
  it('refuses recipients outside the allowed domains, bad params and a department out of scope, storing nothing', async () => {
    // Prepare
    const admin = await person('admin');
    const manager = await person('manager');
    await createDepartment(organisationPorts(), actor(), {
      name: uniqueName('Own'),
      managerId: manager.user.id,
    });
    const elsewhere = await createDepartment(organisationPorts(), actor(), { name: uniqueName('Elsewhere') });
    const base = {
      report: 'completion',
      params: PARAMS,
      format: 'csv' as const,
      cron: '0 7 * * 1',
      timezone: 'UTC',
    };

    // Act + Assess
    const outside = createReportSchedule(reportSchedulePorts(), admin.actor, {
      ...base,
      recipients: ['ok@example.com', 'leak@gmail.com'],
    });
    await expect(outside).rejects.toBeInstanceOf(InvalidInputError);
    await expect(outside).rejects.toMatchObject({
      fields: [{ path: 'body.recipients.1', message: 'gmail.com is not an allowed domain' }],
    });
    await expect(
      createReportSchedule(reportSchedulePorts(), admin.actor, {
        ...base,
        params: { from: '2020-01-01', to: '2026-01-02' },
        recipients: ['ok@example.com'],
      }),
    ).rejects.toMatchObject({
      fields: [{ path: 'body.params.to', message: 'a period is at most 5 years long' }],
    });
    await expect(
      createReportSchedule(reportSchedulePorts(), admin.actor, {
        ...base,
        report: 'no-such-report',
        recipients: ['ok@example.com'],
      }),
    ).rejects.toMatchObject({ fields: [{ path: 'body.report', message: 'unknown report' }] });
    await expect(
      createReportSchedule(reportSchedulePorts(), manager.actor, {
        ...base,
        params: { ...PARAMS, department: elsewhere.id },
        recipients: ['ok@example.com'],
      }),
    ).rejects.toBeInstanceOf(OutOfScopeError);

    // Nothing stored for either of them
    expect(
      (await listReportSchedules(reportSchedulePorts(), admin.actor.principal, { limit: 100 })).items.filter(
        (schedule) => schedule.ownerId === admin.user.id || schedule.ownerId === manager.user.id,
      ),
    ).toEqual([]);
  });
});

describe('runReportScheduleTick', () => {
  it("gives each run of a moving period its dates, in the schedule's zone", async () => {
    // Prepare: previous month, Mondays 07:00 in Paris
    const admin = await person('admin');
    const schedule = await createReportSchedule(reportSchedulePorts(), admin.actor, {
      report: 'completion',
      params: { granularity: 'month' },
      period: 'previous-month',
      format: 'csv',
      cron: '0 7 * * 1',
      timezone: 'Europe/Paris',
      recipients: ['team@example.com'],
    });

    // Act: the tick on Monday 6 January 2031, 07:00 in Paris
    await runReportScheduleTick(tickPorts(), new Date('2031-01-06T06:00:00.000Z'));

    // Assess
    expect(requested.find((run) => run.scheduleId === schedule.id)?.params).toEqual({
      granularity: 'month',
      from: '2030-12-01',
      to: '2030-12-31',
    });
  });

  it('requests a due run once as its owner (two ticks at once), mails the CSV link once the run succeeded', async () => {
    // Prepare
    const admin = await person('admin');
    const schedule = await createReportSchedule(reportSchedulePorts(), admin.actor, {
      report: 'completion',
      params: PARAMS,
      format: 'csv',
      cron: '0 7 * * 1',
      timezone: 'Europe/Paris',
      recipients: ['Boss@Example.com', 'team@example.com'],
    });
    expect(schedule).toMatchObject({
      status: 'active',
      ownerRole: 'admin',
      recipients: ['boss@example.com', 'team@example.com'],
    });
    const at = new Date(schedule.nextRunAt as string);

    // Act: two ticks at the run time
    const ticks = await Promise.all([
      runReportScheduleTick(tickPorts(), at),
      runReportScheduleTick(tickPorts(), at),
    ]);

    // Assess: one run requested, as the owner, for this schedule
    const mine = requested.filter((request) => request.scheduleId === schedule.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.name).toBe('completion');
    expect(mine[0]?.principal).toMatchObject({ userId: admin.user.id, roles: ['admin'] });
    expect(ticks.map((tick) => tick.requested + tick.skipped).every((n) => n >= 1)).toBe(true);
    const stored = await reportSchedulePorts().schedules.get(schedule.id);
    expect(stored?.lastRunId).toBe(mine[0]?.job.id);
    expect(stored?.nextRunAt).toBe(new Date(at.getTime() + 7 * 86_400_000).toISOString());

    // Act: a tick while the run is queued mails nothing; once it succeeded, one mail
    const before = (await mails()).length;
    await runReportScheduleTick(tickPorts(), new Date(at.getTime() + 60_000));
    expect((await mails()).length).toBe(before);
    await finishRun(mine[0]?.job as Job, { csv: 'course,completions\r\nSafety,2\r\n' });
    await runReportScheduleTick(tickPorts(), new Date(at.getTime() + 120_000));
    await runReportScheduleTick(tickPorts(), new Date(at.getTime() + 180_000));

    // Assess: exactly one mail, to both, whose link downloads the CSV; the delivery is audited
    const sent = (await mails()).slice(before).filter((mail) => mail.includes(schedule.id));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('To: boss@example.com, team@example.com');
    expect(sent[0]).toContain('Subject: Completion by course, department and period: 2 rows');
    const link = /^(http\S+)$/m.exec(sent[0] as string)?.[1] as string;
    expect(link).toContain(`reports/${mine[0]?.job.id}/report.csv`);
    expect(link).toContain('X-Amz-Expires=604800');
    const download = await fetch(link);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('course,completions\r\nSafety,2\r\n');
    const audit = await new DynamoAuditTrail(dynamoDb(), requireSetting('tableName')).list(
      `report-schedule:${schedule.id}`,
      { limit: 10 },
    );
    expect(audit.items.map((record) => record.action).sort()).toEqual([
      'report-schedule.created',
      'report-schedule.delivered',
    ]);
  });

  it('mails the failure of a run that failed', async () => {
    // Prepare
    const admin = await person('admin');
    const schedule = await createReportSchedule(reportSchedulePorts(), admin.actor, {
      report: 'completion',
      params: PARAMS,
      format: 'json',
      cron: '30 6 * * *',
      timezone: 'UTC',
      recipients: ['ops@example.com'],
    });
    const at = new Date(schedule.nextRunAt as string);
    await runReportScheduleTick(tickPorts(), at);
    const run = requested.find((request) => request.scheduleId === schedule.id)?.job as Job;

    // Act
    await finishRun(run, { failure: 'The report would scan 12 GB, above the 10 GB limit.' });
    await runReportScheduleTick(tickPorts(), new Date(at.getTime() + 60_000));

    // Assess
    const sent = (await mails()).filter((mail) => mail.includes(schedule.id));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('Subject: Completion by course, department and period: failed');
    expect(sent[0]).toContain('The report would scan 12 GB, above the 10 GB limit.');
  });

  it('pauses, with the reason, a schedule whose owner no longer manages a department, and requests nothing', async () => {
    // Prepare: a manager schedules, then their department gets another manager
    const manager = await person('manager');
    const department = await createDepartment(organisationPorts(), actor(), {
      name: uniqueName('Managed'),
      managerId: manager.user.id,
    });
    const schedule = await createReportSchedule(reportSchedulePorts(), manager.actor, {
      report: 'completion',
      params: { ...PARAMS, department: department.id },
      format: 'csv',
      cron: '0 8 * * *',
      timezone: 'UTC',
      recipients: ['lead@example.com'],
    });
    expect(schedule.ownerRole).toBe('manager');
    await updateDepartment(organisationPorts(), actor(), department.id, department.version, {
      managerId: null,
    });

    // Act
    await runReportScheduleTick(tickPorts(), new Date(schedule.nextRunAt as string));

    // Assess
    expect(requested.filter((request) => request.scheduleId === schedule.id)).toEqual([]);
    const stored = await reportSchedulePorts().schedules.get(schedule.id);
    expect(stored).toMatchObject({
      status: 'paused',
      nextRunAt: null,
      pausedReason: `Its owner ${manager.user.email} no longer manages a department.`,
    });
  });
});
