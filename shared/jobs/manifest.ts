/**
 * The job manifest: every function that is not an HTTP route, declared once. CDK derives the EventBridge
 * schedules and S3 notifications from it; locally, `npm start` runs the schedules and feeds the S3
 * emulator's events to the same handlers, and `npm run job -- <name>` runs one job now.
 */
import type { JobKind } from '../domain/job.ts';
import type { DomainEventType } from '../events/envelope.ts';
import type { QueueName, RouteNeeds } from '../http/route.ts';

interface JobBase {
  /** Construct id of its function in CDK: a contract, do not rename. */
  readonly id: string;
  /** Name for `npm run job -- <name>`. */
  readonly name: string;
  readonly handler: string;
  readonly summary: string;
  readonly needs: RouteNeeds;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** @default 512 */
  readonly memoryMb?: number;
  /** /tmp size. @default 512 */
  readonly ephemeralStorageMb?: number;
  /** Packages shipped as node_modules beside the bundle rather than bundled. @default none */
  readonly nodeModules?: readonly string[];
  /**
   * Node and V8 options added to the function's `NODE_OPTIONS` (after `--enable-source-maps`), each with a
   * comment saying why. @default none
   */
  readonly nodeOptions?: readonly string[];
}

/** A stack of the CDK app whose deploys a job can follow: `auth` is LmsAuth (the user pool, the web client). */
export type WatchedStack = 'auth';

export interface ScheduledJob extends JobBase {
  /**
   * Each run is recorded as a job of this kind (`GET /jobs?kind=`), holding the kind's lock so that a run
   * never overlaps itself (its handler is a `scheduledRunHandler`). @default - runs are not recorded
   */
  readonly recordedAs?: JobKind;
  readonly trigger: {
    readonly kind: 'schedule';
    readonly everyMinutes: number;
    /**
     * Also run as soon as a deploy of this stack completes (AWS only: CloudFormation's stack status events on
     * the default bus). Locally there are no deploys: the schedule and `npm run job` run it.
     * @default - on the schedule only
     */
    readonly alsoAfterDeployOf?: WatchedStack;
  };
}

export interface UploadTriggeredJob extends JobBase {
  readonly trigger: {
    readonly kind: 's3-object-created';
    readonly bucket: 'uploads';
    readonly prefix: string;
    readonly suffix: string;
  };
}

/** Runs for each domain event of the listed types (an EventBridge rule on the bus in AWS; the in-process bus locally). */
export interface DomainEventJob extends JobBase {
  readonly trigger: { readonly kind: 'domain-event'; readonly types: readonly DomainEventType[] };
}

/**
 * Turns each new audit record on the table's stream into domain events on the bus: the audit record, written
 * in the change's own transaction, is the outbox, so no change is committed without its event.
 */
export interface AuditStreamJob extends JobBase {
  readonly trigger: { readonly kind: 'audit-stream' };
}

/**
 * A Cognito Lambda trigger of the user pool (`operation` as Cognito names it). In AWS the pool invokes it;
 * locally cognito-local does, through the local stack's Lambda-invoke endpoint.
 */
export interface CognitoTriggerJob extends JobBase {
  readonly trigger: {
    readonly kind: 'cognito-trigger';
    readonly operation: 'PreSignUp' | 'PostConfirmation' | 'PreTokenGeneration' | 'PostAuthentication';
  };
}

/**
 * Runs for each message of a work queue (SQS in AWS, one message at a time; the local stack's SQS endpoint
 * locally). A message that fails is delivered again, then goes to the queue's dead-letter queue.
 */
export interface QueueJob extends JobBase {
  readonly trigger: { readonly kind: 'queue'; readonly queue: QueueName };
}

export type JobDefinition =
  | QueueJob
  | ScheduledJob
  | UploadTriggeredJob
  | DomainEventJob
  | AuditStreamJob
  | CognitoTriggerJob;

export const courseSchedule: ScheduledJob = {
  id: 'courseSchedule',
  name: 'course-schedule',
  handler: 'functions/jobs/run-course-schedule.ts',
  summary: 'Publishes courses whose publishAt has come and archives those whose archiveAt has come',
  recordedAs: 'course-schedule',
  trigger: { kind: 'schedule', everyMinutes: 5 },
  needs: { table: 'write' },
  timeoutSeconds: 300,
};

export const processPackage: UploadTriggeredJob = {
  id: 'processPackage',
  name: 'process-package',
  handler: 'functions/content/process-package.ts',
  summary: 'Validates, scans and stores an uploaded content package',
  trigger: { kind: 's3-object-created', bucket: 'uploads', prefix: 'packages/', suffix: '.zip' },
  // Reads and deletes the upload; writes courses/ (the content) and reports/ (its accessibility report).
  needs: {
    table: 'write',
    buckets: { uploads: { access: 'read-write', prefix: 'packages/' }, content: 'write' },
  },
  // Sized for 2 GiB packages: the zip sits on /tmp (its files stream from it to the content bucket).
  timeoutSeconds: 900,
  memoryMb: 3008,
  ephemeralStorageMb: 10240,
  // jsdom reads files beside its own modules and axe-core's source is read from disk into each page.
  nodeModules: ['jsdom', 'axe-core'],
  // 1 MiB semi-spaces (the young generation) for peak memory, in the main thread and in the accessibility
  // scan's worker (V8 flags take precedence over a worker's resourceLimits). Processing streams ~1 GB through
  // 64 KiB buffers (download, inflation, upload) whose JS handles die at once, but whose memory is freed
  // only when a GC collects the handles. On Node 24 dead buffers were measured piling up to ~64 MiB between
  // GCs (~32 MiB on Node 20), and the worker's young generation is sized from the host's memory (a 192 MiB
  // limit on a 24 GB machine); frequent small scavenges free them early. `package.peak-rss.mb` (a 1 GB
  // package, whose child process runs with these options): ~300 MB peak RSS without, ~200 MB with, and no
  // more CPU time.
  nodeOptions: ['--max-semi-space-size=1'],
};

export const planImport: UploadTriggeredJob = {
  id: 'planImport',
  name: 'plan-import',
  handler: 'functions/imports/plan-import.ts',
  summary:
    'Plans an uploaded import: reads the file row by row (twice, streaming), and stores one entry per row, errors.csv and the counts',
  trigger: { kind: 's3-object-created', bucket: 'uploads', prefix: 'imports/', suffix: '/source' },
  // Reads the upload, writes the plan's parts and errors.csv, all under imports/; reads the people, courses,
  // departments, enrollments and seats the rows name (and the import's record, which it writes).
  needs: { table: 'write', buckets: { uploads: { access: 'read-write', prefix: 'imports/' } } },
  timeoutSeconds: 900,
  memoryMb: 1024,
  // A Canvas SIS zip (up to 2 GiB) is copied to /tmp to be read: a zip's directory is at its end.
  ephemeralStorageMb: 3072,
};

export const runImport: QueueJob = {
  id: 'runImport',
  name: 'run-import',
  handler: 'functions/imports/run-import.ts',
  summary:
    'Applies or undoes an import from its checkpoint, in chunks, and hands over to the next run before its time is up',
  trigger: { kind: 'queue', queue: 'imports' },
  // Reads the plan; writes people with their claims, enrollments with their seats (and waitlist promotions),
  // audit records and the change log; signs suspended people out; sends the next run's message.
  needs: {
    table: 'write',
    buckets: { uploads: { access: 'read', prefix: 'imports/' } },
    queues: { imports: 'send' },
    userPool: 'sign-out',
  },
  timeoutSeconds: 900,
  memoryMb: 1024,
};

export const publishDomainEvents: AuditStreamJob = {
  id: 'publishDomainEvents',
  name: 'publish-domain-events',
  handler: 'functions/events/publish-domain-events.ts',
  summary: 'Publishes a domain event on the bus for every audit record the table stream carries',
  trigger: { kind: 'audit-stream' },
  needs: { events: 'publish' },
};

export const reevaluateCohorts: DomainEventJob = {
  id: 'reevaluateCohorts',
  name: 'reevaluate-cohorts',
  handler: 'functions/cohorts/reevaluate-cohorts.ts',
  summary:
    "Re-evaluates the rule cohorts of a person whose profile, department or cohorts changed (or a moved department's people)",
  trigger: {
    kind: 'domain-event',
    types: [
      'user.created',
      'user.updated',
      'user.suspended',
      'user.reactivated',
      'department.updated',
      'cohort.member_added',
      'cohort.member_removed',
    ],
  },
  needs: { table: 'write' },
  timeoutSeconds: 300,
};

export const syncCohortEnrollments: DomainEventJob = {
  id: 'syncCohortEnrollments',
  name: 'sync-cohort-enrollments',
  handler: 'functions/cohorts/sync-cohort-enrollments.ts',
  summary:
    "Enrolls a cohort's new member in the cohort's linked courses; on leaving, withdraws or keeps per the link",
  trigger: { kind: 'domain-event', types: ['cohort.member_added', 'cohort.member_removed'] },
  needs: { table: 'write' },
};

export const complianceSweep: ScheduledJob = {
  id: 'complianceSweep',
  name: 'compliance-sweep',
  handler: 'functions/jobs/run-compliance-sweep.ts',
  summary:
    'Re-enrolls certified people whose recertification window opened, expires lapsed certifications, flags overdue enrollments',
  recordedAs: 'compliance-sweep',
  trigger: { kind: 'schedule', everyMinutes: 60 },
  needs: { table: 'write' },
  timeoutSeconds: 900,
};

export const preSignUp: CognitoTriggerJob = {
  id: 'preSignUp',
  name: 'pre-sign-up',
  handler: 'functions/identity/pre-sign-up.ts',
  summary:
    'Refuses sign-up to a suspended LMS profile; links a federated user to the existing login with the same email (domain routed to that IdP)',
  trigger: { kind: 'cognito-trigger', operation: 'PreSignUp' },
  needs: { table: 'read', userPool: 'link' },
  timeoutSeconds: 5,
};

export const postConfirmation: CognitoTriggerJob = {
  id: 'postConfirmation',
  name: 'post-confirmation',
  handler: 'functions/identity/post-confirmation.ts',
  summary:
    "Provisions the LMS profile of a person's first sign-in through an identity provider, linked to that login, with the roles and cohorts its group rules give",
  trigger: { kind: 'cognito-trigger', operation: 'PostConfirmation' },
  needs: { table: 'write', userPool: 'users' },
  timeoutSeconds: 5,
};

export const preTokenGeneration: CognitoTriggerJob = {
  id: 'preTokenGeneration',
  name: 'pre-token-generation',
  handler: 'functions/identity/pre-token-generation.ts',
  summary:
    'Links a first sign-in to the profile its verified email names, adds the LMS claims (user id, roles, department) to ID tokens, refuses tokens to people whose LMS profile is suspended, and holds the admin group back from native admin logins without TOTP',
  trigger: { kind: 'cognito-trigger', operation: 'PreTokenGeneration' },
  // Writes the link of a first sign-in; userPool 'users' for AdminGetUser only (an admin login's MFA methods).
  needs: { table: 'write', userPool: 'users' },
  // Cognito waits at most 5 s for a trigger.
  timeoutSeconds: 5,
};

export const postAuthentication: CognitoTriggerJob = {
  id: 'postAuthentication',
  name: 'post-authentication',
  handler: 'functions/identity/post-authentication.ts',
  summary:
    'Records each sign-in in the login history (kept 90 days) of the profile the login is linked to; the profile follows a changed email, audited',
  trigger: { kind: 'cognito-trigger', operation: 'PostAuthentication' },
  needs: { table: 'write' },
  timeoutSeconds: 5,
};

export const linkLogins: ScheduledJob = {
  id: 'linkLogins',
  name: 'link-logins',
  handler: 'functions/identity/link-logins.ts',
  summary:
    "Links each login to the LMS profile its verified email names, once (identity by the login's sub), and makes the admin seats match the user pool's admin group",
  // After a deploy (the first one brings links to existing logins), and daily for changes made in the console.
  trigger: { kind: 'schedule', everyMinutes: 24 * 60, alsoAfterDeployOf: 'auth' },
  needs: { table: 'write', userPool: 'logins' },
  timeoutSeconds: 900,
};

export const resyncWebClientProviders: ScheduledJob = {
  id: 'resyncWebClientProviders',
  name: 'resync-web-client-providers',
  handler: 'functions/identity/resync-web-client-providers.ts',
  summary:
    "Lists the identity providers synced to the user pool on the web client again, after a deploy of LmsAuth reset the client's list to Cognito alone",
  // CloudFormation manages the web client: a deploy that updates it resets its list, so run right after one,
  // and on a schedule in case that event is missed.
  trigger: { kind: 'schedule', everyMinutes: 15, alsoAfterDeployOf: 'auth' },
  needs: { table: 'read', userPool: 'web-client' },
  timeoutSeconds: 30,
};

export const analyticsExport: ScheduledJob = {
  id: 'analyticsExport',
  name: 'export',
  handler: 'functions/exports/request-export.ts',
  summary: 'Requests the daily analytics export (Parquet per entity to the analytics bucket) from its worker',
  trigger: { kind: 'schedule', everyMinutes: 24 * 60 },
  // Creates the run (holding the export lock) and hands it to the exports queue.
  needs: { table: 'write', queues: { exports: 'send' } },
  timeoutSeconds: 30,
};

export const runExports: QueueJob = {
  id: 'runExports',
  name: 'run-exports',
  handler: 'functions/exports/run-exports.ts',
  summary:
    'Runs a requested analytics export: scans the table once, writes Parquet per entity with DuckDB, checks the counts, uploads the files and the manifest',
  trigger: { kind: 'queue', queue: 'exports' },
  // Scans the table, records the run; writes the day's files and deletes the ones of that day's earlier run.
  needs: { table: 'write', tableScan: true, buckets: { analytics: 'write' } },
  timeoutSeconds: 900,
  // DuckDB gets 1 GB of it (shared/store/analytics-wiring.ts) and spills to /tmp beyond; /tmp also holds
  // the NDJSON and Parquet files of one run (about 3 GB of NDJSON for ten million items).
  memoryMb: 2048,
  ephemeralStorageMb: 8192,
  // DuckDB is a native module: it ships as node_modules, its binding for Lambda's arm64 (LmsFunction).
  nodeModules: ['@duckdb/node-api'],
};

export const retention: ScheduledJob = {
  id: 'retention',
  name: 'retention',
  handler: 'functions/lifecycle/run-retention.ts',
  summary:
    "Applies the retention policy: erases people suspended longer than the policy's days (not under legal hold), redacts erased people's data left in other records, exports audit records past their retention to the backups bucket and then deletes them",
  recordedAs: 'retention',
  trigger: { kind: 'schedule', everyMinutes: 24 * 60 },
  // Erases people (their profile, claims, seats, sign-ins, audit trail; their login in the pool); reads
  // every item once (Scan) to redact and to find old audit records; writes the audit exports under audit/.
  needs: {
    table: 'write',
    tableScan: true,
    buckets: { backups: { access: 'append', prefix: 'audit/' } },
    userPool: 'erase',
  },
  timeoutSeconds: 900,
  memoryMb: 1024,
};

export const backup: ScheduledJob = {
  id: 'backup',
  name: 'backup',
  handler: 'functions/backups/request-backup.ts',
  summary: 'Requests the daily logical backup from the backups worker, as POST /backups does',
  trigger: { kind: 'schedule', everyMinutes: 24 * 60 },
  // The run (its lock), handed to the backups worker.
  needs: { table: 'write', queues: { backups: 'send' } },
};

export const drill: ScheduledJob = {
  id: 'drill',
  name: 'drill',
  handler: 'functions/backups/request-drill.ts',
  summary: 'Requests the weekly restore drill of the latest complete backup from the restores worker',
  trigger: { kind: 'schedule', everyMinutes: 7 * 24 * 60 },
  needs: { table: 'write', queues: { restores: 'send' } },
};

export const runBackups: QueueJob = {
  id: 'runBackups',
  name: 'run-backups',
  handler: 'functions/backups/run-backups.ts',
  summary:
    'Takes a requested logical backup: a parallel Scan to gzip NDJSON per segment, the content inventory, the manifest last',
  trigger: { kind: 'queue', queue: 'backups' },
  // Scans the table and records the run; puts logical/<id>/ (never deletes: object lock); lists every object
  // version of the content bucket (the inventory).
  needs: {
    table: 'write',
    tableScan: true,
    buckets: { backups: { access: 'append', prefix: 'logical/' }, content: 'list-versions' },
  },
  timeoutSeconds: 900,
  memoryMb: 1024,
};

export const runRestores: QueueJob = {
  id: 'runRestores',
  name: 'run-restores',
  handler: 'functions/backups/run-restores.ts',
  summary:
    'Runs a requested restore (new table, or in place after a backup of the current state) or restore drill, every file checked against its SHA-256 first',
  trigger: { kind: 'queue', queue: 'restores' },
  // Reads backups (and writes the pre-restore backup of an in-place restore, hence the scan, the inventory
  // and the write); writes the live table in place; creates, fills, reads and drops <table>-restore-* tables.
  needs: {
    table: 'write',
    tableScan: true,
    restoreTables: true,
    buckets: { backups: { access: 'read-append', prefix: 'logical/' }, content: 'list-versions' },
  },
  timeoutSeconds: 900,
  memoryMb: 2048,
};

export const archival: ScheduledJob = {
  id: 'archival',
  name: 'archival',
  handler: 'functions/lifecycle/run-archival.ts',
  summary:
    "Moves the content of courses archived longer than the policy's days to archive storage: tags each object of their content versions lms-storage=archive (the content bucket's lifecycle rule moves them to Glacier Instant Retrieval), then marks the versions",
  recordedAs: 'archival',
  trigger: { kind: 'schedule', everyMinutes: 24 * 60 },
  // Reads the policy and the archived courses, marks their content versions; tags the content's objects.
  needs: { table: 'write', buckets: { content: { access: 'tag', prefix: 'courses/' } } },
  timeoutSeconds: 900,
};

export const runArchival: QueueJob = {
  id: 'runArchival',
  name: 'run-archival',
  handler: 'functions/lifecycle/run-unarchive.ts',
  summary:
    "Runs a requested unarchive: copies each object of the course's archived content versions back to S3 Standard without the archive tag, then marks the versions and reports the content ready",
  trigger: { kind: 'queue', queue: 'archival' },
  // Reads and marks the course's content versions; copies the content's objects onto themselves.
  needs: { table: 'write', buckets: { content: { access: 'copy-in-place', prefix: 'courses/' } } },
  timeoutSeconds: 900,
};

export const runReports: QueueJob = {
  id: 'runReports',
  name: 'run-reports',
  handler: 'functions/reports/run-reports.ts',
  summary:
    "Runs a requested report run: the report's SQL over the newest export (Athena in AWS, DuckDB on one machine), its rows and CSV written to the analytics bucket under reports/<run id>/",
  trigger: { kind: 'queue', queue: 'reports' },
  // Records the run; reads the export's manifests (and, for DuckDB, its Parquet files) and puts the run's
  // rows and CSV, never deleting; queries Athena in AWS.
  needs: { table: 'write', buckets: { analytics: 'read-append' }, reportQueries: true },
  timeoutSeconds: 900,
  // Athena's rows (up to the 100,000-row cap) are held to write the JSON and the CSV.
  memoryMb: 1024,
};

export const reportSchedules: ScheduledJob = {
  id: 'reportSchedules',
  name: 'report-schedules',
  handler: 'functions/jobs/report-schedules.ts',
  summary:
    "Requests the runs of the report schedules that are due (each as its owner, in the owner's scope as it stands), then mails each ended run's CSV link (or its failure) to the schedule's recipients",
  trigger: { kind: 'schedule', everyMinutes: 5 },
  // Schedules, deliveries, the owners and their seats and departments, the runs it requests (to the reports
  // queue, after reading the newest export's manifest) and reads; presigns links to reports/ (a presigned GET
  // is authorised as the signer's GetObject).
  needs: {
    table: 'write',
    queues: { reports: 'send' },
    buckets: { analytics: 'read' },
    mail: 'send',
  },
  timeoutSeconds: 120,
};

export const jobs: readonly JobDefinition[] = [
  courseSchedule,
  processPackage,
  planImport,
  runImport,
  publishDomainEvents,
  reevaluateCohorts,
  syncCohortEnrollments,
  complianceSweep,
  preSignUp,
  postConfirmation,
  preTokenGeneration,
  postAuthentication,
  resyncWebClientProviders,
  linkLogins,
  analyticsExport,
  runExports,
  retention,
  backup,
  drill,
  runBackups,
  runRestores,
  archival,
  runArchival,
  runReports,
  reportSchedules,
];
