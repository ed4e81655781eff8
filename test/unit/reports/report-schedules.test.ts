/**
 * Report schedules without I/O: which crons are accepted (5 fields, at most hourly) and when they run next in
 * their time zone; the mail adapters: SES v2 SendEmail against the exact SDK shape (aws-sdk-client-mock), and
 * the local folder's `.eml` files.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateReportScheduleBody,
  cronProblem,
  nextRunAfter,
  periodDates,
} from '../../../shared/domain/report-schedule.ts';
import { FolderMailer, SesMailer } from '../../../shared/store/mail.ts';

describe('cron of a report schedule', () => {
  it('accepts 5-field crons with one minute value', () => {
    expect(cronProblem('0 7 * * 1')).toBeNull();
    expect(cronProblem('30 6 1 * *')).toBeNull();
    expect(cronProblem('15 * * * MON-FRI')).toBeNull();
    expect(cronProblem('0 8 * * THU')).toBeNull();
  });

  it('refuses crons more often than hourly, with other field counts, macros and random values', () => {
    expect(cronProblem('*/15 * * * *')).toMatch(/more often than hourly/);
    expect(cronProblem('0,30 * * * *')).toMatch(/more often than hourly/);
    expect(cronProblem('* 7 * * *')).toMatch(/more often than hourly/);
    expect(cronProblem('0 7 * *')).toMatch(/5 fields.*has 4/);
    expect(cronProblem('0 0 7 * * 1')).toMatch(/has 6/);
    expect(cronProblem('@daily')).toMatch(/5 fields/);
    expect(cronProblem('H 7 * * *')).toMatch(/H \(random\)/);
    expect(cronProblem('0 25 * * *')).toMatch(/not a valid cron/);
  });

  it('names body.cron and body.timezone when the schema refuses them', () => {
    const parsed = CreateReportScheduleBody.safeParse({
      report: 'completion',
      cron: '*/5 * * * *',
      timezone: 'Mars/Olympus',
      recipients: ['a@example.com'],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['cron', 'timezone']);
  });

  it('runs next at the cron time in its time zone, strictly after the given time', () => {
    // Mondays 07:00 in Paris: 2026-03-30 is a Monday, after the switch to summer time (UTC+2).
    expect(nextRunAfter('0 7 * * 1', 'Europe/Paris', new Date('2026-03-27T10:00:00Z')).toISOString()).toBe(
      '2026-03-30T05:00:00.000Z',
    );
    // In winter Paris is UTC+1.
    expect(nextRunAfter('0 7 * * 1', 'Europe/Paris', new Date('2026-01-01T00:00:00Z')).toISOString()).toBe(
      '2026-01-05T06:00:00.000Z',
    );
    // Exactly at a run time: the next one, not the same.
    expect(nextRunAfter('0 * * * *', 'UTC', new Date('2026-01-01T10:00:00Z')).toISOString()).toBe(
      '2026-01-01T11:00:00.000Z',
    );
  });
});

describe('SesMailer', () => {
  const ses = mockClient(SESv2Client);
  afterAll(() => ses.restore());

  it('sends one SendEmail with the sender, the recipients and a UTF-8 text body', async () => {
    // Prepare
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: '0100018e-abc' });
    const mailer = new SesMailer(new SESv2Client({ region: 'eu-west-1' }), 'reports@lms.example.org');

    // Act
    const sent = await mailer.send({
      to: ['a@example.com', 'b@example.com'],
      subject: 'Compliance: 3 rows',
      text: 'Download: https://link',
    });

    // Assess
    expect(sent).toEqual({ messageId: '0100018e-abc' });
    expect(ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input)).toEqual([
      {
        FromEmailAddress: 'reports@lms.example.org',
        Destination: { ToAddresses: ['a@example.com', 'b@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Compliance: 3 rows', Charset: 'UTF-8' },
            Body: { Text: { Data: 'Download: https://link', Charset: 'UTF-8' } },
          },
        },
      },
    ]);
  });

  it('fails when SES refuses (an unverified sender), so the delivery stays pending', async () => {
    ses.reset();
    ses.on(SendEmailCommand).rejects(new Error('Email address is not verified.'));
    const mailer = new SesMailer(new SESv2Client({ region: 'eu-west-1' }), 'reports@lms.example.org');
    await expect(mailer.send({ to: ['a@example.com'], subject: 's', text: 't' })).rejects.toThrow(
      'not verified',
    );
  });
});

describe('FolderMailer', () => {
  it('writes one .eml per message, headers then the body, a non-ASCII subject encoded', async () => {
    // Prepare
    const dir = await mkdtemp(path.join(tmpdir(), 'lms-mail-'));
    const mailer = new FolderMailer(
      path.join(dir, 'mail'),
      'reports@example.com',
      () => new Date('2026-02-03T04:05:06Z'),
    );

    try {
      // Act
      const sent = await mailer.send({
        to: ['a@example.com'],
        subject: 'Conformité',
        text: 'line 1\nline 2',
      });

      // Assess
      const files = await readdir(path.join(dir, 'mail'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^2026-02-03T04-05-06\.000Z-.+\.eml$/);
      const eml = await readFile(path.join(dir, 'mail', files[0] as string), 'utf8');
      expect(eml).toContain(`Message-ID: <${sent.messageId}>`);
      expect(eml).toContain('From: reports@example.com\r\nTo: a@example.com\r\n');
      expect(eml).toContain(`Subject: =?UTF-8?B?${Buffer.from('Conformité').toString('base64')}?=`);
      expect(eml.endsWith('\r\n\r\nline 1\r\nline 2')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the moving period of a schedule', () => {
  // Monday 2 March 2026, 00:30 in Paris (still Sunday 1 March, 23:30 in UTC)
  const at = new Date('2026-03-01T23:30:00.000Z');

  it("covers the last full week, month, quarter and year, and the last days, of the run's day in its zone", () => {
    expect(periodDates('previous-week', at, 'Europe/Paris')).toEqual({
      from: '2026-02-23',
      to: '2026-03-01',
    });
    expect(periodDates('previous-month', at, 'Europe/Paris')).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(periodDates('previous-quarter', at, 'Europe/Paris')).toEqual({
      from: '2025-10-01',
      to: '2025-12-31',
    });
    expect(periodDates('previous-year', at, 'Europe/Paris')).toEqual({
      from: '2025-01-01',
      to: '2025-12-31',
    });
    expect(periodDates('last-7-days', at, 'Europe/Paris')).toEqual({ from: '2026-02-23', to: '2026-03-01' });
    expect(periodDates('last-30-days', at, 'Europe/Paris')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
  });

  it('reads the day in the zone: in UTC the same moment is still Sunday 1 March', () => {
    expect(periodDates('previous-week', at, 'UTC')).toEqual({ from: '2026-02-16', to: '2026-02-22' });
    expect(periodDates('last-7-days', at, 'UTC')).toEqual({ from: '2026-02-22', to: '2026-02-28' });
  });
});
