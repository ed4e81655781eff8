/**
 * Configuration, read from the environment once per cold start.
 * Each getter fails fast with the variable's name, so a function deployed without a binding
 * dies at init with a message that says what is missing instead of failing on its first request.
 */
import type { QueueName } from './http/route.ts';

const cache = new Map<string, string>();

/** Name of every environment variable the handlers read; CDK and the local stack set the same ones. */
export const ENV = {
  tableName: 'TABLE_NAME',
  uploadsBucket: 'UPLOADS_BUCKET_NAME',
  contentBucket: 'CONTENT_BUCKET_NAME',
  backupsBucket: 'BACKUPS_BUCKET_NAME',
  /** The analytics export's Parquet files, read by Athena (and DuckDB locally). */
  analyticsBucket: 'ANALYTICS_BUCKET_NAME',
  userPoolId: 'USER_POOL_ID',
  eventBusName: 'EVENT_BUS_NAME',
  /** The queue apply and undo of imports run from (SQS in AWS, the local stack's SQS endpoint locally). */
  importsQueueUrl: 'IMPORTS_QUEUE_URL',
  /** The work queues of the on-demand runs: backups, restores and drills, exports, archival. */
  backupsQueueUrl: 'BACKUPS_QUEUE_URL',
  restoresQueueUrl: 'RESTORES_QUEUE_URL',
  exportsQueueUrl: 'EXPORTS_QUEUE_URL',
  archivalQueueUrl: 'ARCHIVAL_QUEUE_URL',
  reportsQueueUrl: 'REPORTS_QUEUE_URL',
  /** Athena (AWS): the workgroup reports run in and the Glue database of the export's tables. Unset: DuckDB. */
  athenaWorkgroup: 'ATHENA_WORKGROUP',
  analyticsDatabase: 'ANALYTICS_DATABASE',
  /** The From address of scheduled reports' mail (an SES verified identity in AWS). */
  reportMailSender: 'REPORT_MAIL_SENDER',
  /** Local stack only: mail is written there as `.eml` files instead of sent through SES. */
  localMailDir: 'LMS_LOCAL_MAIL_DIR',
  /** The API's name in CloudWatch (AWS): GET /admin/status reads its error rate. Unset: the local request log. */
  apiName: 'API_NAME',
  /** The web app client (federation lists its providers on it; discovery sends people through it). */
  webClientId: 'WEB_CLIENT_ID',
  /** Cognito hosted sign-in domain, e.g. `lms.auth.eu-west-1.amazoncognito.com` (AWS, when configured). */
  hostedUiDomain: 'HOSTED_UI_DOMAIN',
  webCallbackUrl: 'WEB_CALLBACK_URL',
  /** Where machine clients get client-credentials tokens: `https://<hosted domain>/oauth2/token` in AWS. */
  oauthTokenUrl: 'OAUTH_TOKEN_URL',
  /** Local stack only: the local OAuth server's client table (machine clients live there, not in Cognito). */
  localOAuthClientsTable: 'LMS_LOCAL_OAUTH_CLIENTS_TABLE',
  /**
   * `required`: an `admin` group in a token needs TOTP on the native login (pre-token-generation trigger);
   * `off` or unset: no check (the local stack: cognito-local has no TOTP). CDK sets `required`.
   */
  adminMfa: 'ADMIN_MFA',
  stage: 'STAGE',
  /** Where content and the player are served: `https://<CloudFront domain>`, the local content server. */
  contentBaseUrl: 'CONTENT_BASE_URL',
  /** Origins the API answers cross-origin requests from, comma-separated (`*`: any); CDK sets the context's. */
  corsAllowedOrigins: 'CORS_ALLOWED_ORIGINS',
} as const;

export type EnvKey = keyof typeof ENV;

/** The setting holding each work queue's URL; typed so that a new entry in QUEUES fails to compile until mapped. */
export const QUEUE_ENV: Readonly<Record<QueueName, EnvKey>> = {
  imports: 'importsQueueUrl',
  backups: 'backupsQueueUrl',
  restores: 'restoresQueueUrl',
  exports: 'exportsQueueUrl',
  archival: 'archivalQueueUrl',
  reports: 'reportsQueueUrl',
};

/**
 * Returns a required setting.
 * @example const table = requireSetting('tableName'); // reads TABLE_NAME
 */
export function requireSetting(key: EnvKey): string {
  const name = ENV[key];
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `Missing environment variable ${name} (${key}): set it, or bind the resource to this function.`,
    );
  }
  cache.set(name, value);
  return value;
}

/** Returns a setting that may be absent (for example a bucket a function does not use). */
export function optionalSetting(key: EnvKey): string | undefined {
  const value = process.env[ENV[key]];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Forget cached settings; only the local stack and tests need this, when they point at new emulators. */
export function resetSettingsCache(): void {
  cache.clear();
}
