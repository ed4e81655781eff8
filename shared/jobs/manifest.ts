/**
 * The job manifest: every function that is not an HTTP route, declared once. CDK derives the EventBridge
 * schedules and S3 notifications from it; locally, `npm start` runs the schedules and feeds the S3
 * emulator's events to the same handlers, and `npm run job -- <name>` runs one job now.
 */
import type { RouteNeeds } from '../http/route.ts';

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
}

export interface ScheduledJob extends JobBase {
  readonly trigger: { readonly kind: 'schedule'; readonly everyMinutes: number };
}

export interface UploadTriggeredJob extends JobBase {
  readonly trigger: {
    readonly kind: 's3-object-created';
    readonly bucket: 'uploads';
    readonly prefix: string;
    readonly suffix: string;
  };
}

export type JobDefinition = ScheduledJob | UploadTriggeredJob;

export const courseSchedule: ScheduledJob = {
  id: 'courseSchedule',
  name: 'course-schedule',
  handler: 'functions/jobs/run-course-schedule.ts',
  summary: 'Publishes courses whose publishAt has come and archives those whose archiveAt has come',
  trigger: { kind: 'schedule', everyMinutes: 5 },
  needs: { table: 'write' },
  timeoutSeconds: 300,
};

export const processPackage: UploadTriggeredJob = {
  id: 'processPackage',
  name: 'process-package',
  handler: 'functions/content/process-package.ts',
  summary: 'Validates, extracts, scans and stores an uploaded content package',
  trigger: { kind: 's3-object-created', bucket: 'uploads', prefix: 'packages/', suffix: '.zip' },
  needs: { table: 'write', buckets: { uploads: 'write', content: 'write' } },
  // Sized for 2 GiB packages: the zip and its extracted files both sit on /tmp.
  timeoutSeconds: 900,
  memoryMb: 3008,
  ephemeralStorageMb: 10240,
  // jsdom reads files beside its own modules and axe-core's source is read from disk into each page.
  nodeModules: ['jsdom', 'axe-core'],
};

export const jobs: readonly JobDefinition[] = [courseSchedule, processPackage];
