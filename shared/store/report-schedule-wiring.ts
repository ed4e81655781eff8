/**
 * Builds the report schedules' ports once per cold start: the routes' (schedules, settings, departments) and
 * the tick's (plus the people and admin seats its owners are checked against, the report runs, the mail and
 * the analytics bucket's links).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { dynamoDb, s3PresignerClient, sesClient } from '../clients.ts';
import { optionalSetting, requireSetting } from '../config.ts';
import type {
  Mailer,
  ReportFileLinks,
  ReportScheduleDeps,
  ReportScheduleTickDeps,
} from '../use-cases/report-schedules.ts';
import { requestReportRun } from '../use-cases/reports.ts';
import { DynamoAdminSeats } from './admin-seats.ts';
import { DynamoJobRepository } from './content-store.ts';
import { DynamoDepartmentRepository } from './department-store.ts';
import { FolderMailer, SesMailer } from './mail.ts';
import { DynamoReportDeliverySettings, DynamoReportScheduleRepository } from './report-schedule-store.ts';
import { reportRequestPorts } from './report-wiring.ts';
import { DynamoUserRepository } from './user-store.ts';
import { systemRuntime } from './wiring.ts';

export function reportSchedulePorts(): ReportScheduleDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  return {
    schedules: new DynamoReportScheduleRepository(client, tableName),
    settings: new DynamoReportDeliverySettings(client, tableName),
    departments: new DynamoDepartmentRepository(client, tableName),
    runtime: systemRuntime,
  };
}

export function reportScheduleTickPorts(): ReportScheduleTickDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  const base = reportSchedulePorts();
  const jobs = new DynamoJobRepository(client, tableName);
  const runPorts = reportRequestPorts();
  return {
    ...base,
    users: new DynamoUserRepository(client, tableName),
    adminSeats: new DynamoAdminSeats(client, tableName),
    jobs,
    requestRun: (principal, name, body, origin) => requestReportRun(runPorts, principal, name, body, origin),
    mailer: mailer(),
    links: analyticsLinks(s3PresignerClient(), requireSetting('analyticsBucket')),
  };
}

/**
 * Locally (`LMS_LOCAL_MAIL_DIR` set) a folder of `.eml` files; in AWS, SES from `REPORT_MAIL_SENDER`. Read at
 * the first message, not at cold start: without a sender the tick still runs reports, and each delivery
 * fails naming the setting (and stays pending until it is set).
 */
function mailer(): Mailer {
  let built: Mailer | undefined;
  return {
    send: (message) => {
      if (!built) {
        const sender = requireSetting('reportMailSender');
        const folder = optionalSetting('localMailDir');
        built = folder ? new FolderMailer(folder, sender) : new SesMailer(sesClient(), sender);
      }
      return built.send(message);
    },
  };
}

/** Presigned GetObject links to the analytics bucket (S3 authorises them as the signer's GetObject). */
export function analyticsLinks(presigner: S3Client, bucket: string): ReportFileLinks {
  return {
    link: (key, expiresInSeconds) =>
      getSignedUrl(presigner, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: expiresInSeconds,
      }),
  };
}
