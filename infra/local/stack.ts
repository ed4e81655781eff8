/**
 * The whole local stack in one call: emulators, resources, handler environment, demo seed and the API
 * gateway. `npm start` runs it on port 3000 with data in `.local/`; the integration and e2e tests run it on
 * free ports with throwaway data.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runAsFunction } from '../../shared/aws-calls.ts';
import { dynamoDb, resetClients } from '../../shared/clients.ts';
import { ENV, QUEUE_ENV, requireSetting, resetSettingsCache } from '../../shared/config.ts';
import { AUTHORIZER_HANDLER, allowWithContext, authenticate } from '../../shared/http/authorizer.ts';
import { QUEUES } from '../../shared/http/route.ts';
import { routes } from '../../shared/routes/index.ts';
import { type RateLimit, SCIM_RATE_LIMIT } from '../../shared/scim/throttle.ts';
import { callerLookup } from '../../shared/store/caller-lookup.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { createIdTokenVerifier } from './cognito.ts';
import { type LocalContentServer, startContentServer } from './content.ts';
import { type EmulatorEndpoints, LOCAL_REGION, type RunningEmulators, startEmulators } from './emulators.ts';
import { type LocalEventBus, startLocalEventBus } from './events.ts';
import { type Authenticator, createGateway } from './gateway.ts';
import { type LocalJobRunner, runJobsLocally } from './jobs.ts';
import { startLambdaInvoke } from './lambda-invoke.ts';
import { type LocalOAuthServer, startLocalOAuthServer } from './oauth.ts';
import { PROJECT_ROOT } from './paths.ts';
import { type LocalQueues, startLocalQueues } from './queues.ts';
import {
  createLocalClients,
  ensureResources,
  LOCAL_NAMES,
  type LocalResources,
  localEnvironment,
} from './resources.ts';
import { seedDemoOrganisation } from './seed.ts';

/** The From address of the local stack's mail (the demo domain). */
export const LOCAL_MAIL_SENDER = 'reports@example.com';

export interface LocalStackOptions {
  /** Persist data there; `undefined` for throwaway data. */
  dataDir?: string;
  /** Gateway port; 0 for a free one. */
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  seed: boolean;
  /** Run scheduled jobs on their intervals (npm start); tests call them directly. @default false */
  schedules?: boolean;
  /**
   * Deliver domain events to their subscriber jobs. Benchmarks turn it off: in AWS the stream is read on
   * other machines, here it would compete with the writes being measured. @default true
   */
  events?: boolean;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  /** Where content is served (CloudFront's job in AWS): its own origin, `<contentUrl>/<courseId>/v<n>/<path>`. */
  contentUrl: string;
  endpoints: EmulatorEndpoints;
  resources: LocalResources;
  /** The environment the handlers run with (also applied to this process). */
  env: Record<string, string>;
  emulators: RunningEmulators;
  jobs: LocalJobRunner;
  /** Absent when started with `events: false`. */
  events: LocalEventBus | undefined;
  /** The work queues' SQS endpoint (imports' apply and undo run from it). */
  queues: LocalQueues;
  /** The gateway's SCIM rate limit per caller (see {@link SCIM_RATE_LIMIT_ENV}). */
  scimRateLimit: RateLimit;
  stop(): Promise<void>;
}

/**
 * Requests per caller per window the local gateway allows on /scim/v2, instead of AWS's
 * {@link SCIM_RATE_LIMIT}: the tests lower it, so that reaching it takes a moment.
 */
export const SCIM_RATE_LIMIT_ENV = 'LMS_LOCAL_SCIM_RATE_LIMIT';

function localScimRateLimit(): RateLimit {
  const raw = process.env[SCIM_RATE_LIMIT_ENV];
  if (raw === undefined || raw.trim() === '') return SCIM_RATE_LIMIT;
  const requests = Number(raw);
  if (!Number.isInteger(requests) || requests < 1)
    throw new Error(`${SCIM_RATE_LIMIT_ENV} must be a whole number of requests, 1 or more; it is "${raw}".`);
  return { ...SCIM_RATE_LIMIT, requests };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  // Cognito triggers: cognito-local invokes them here (its Lambda client points at this endpoint).
  const invoke = await startLambdaInvoke({ root: PROJECT_ROOT, log });
  let emulators: Awaited<ReturnType<typeof startEmulators>>;
  try {
    emulators = await startEmulators({
      dataDir: options.dataDir,
      log,
      cognitoConfig: {
        LambdaClient: {
          endpoint: invoke.endpoint,
          region: LOCAL_REGION,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        },
        TriggerFunctions: invoke.triggerFunctions,
      },
    });
  } catch (error) {
    await invoke.stop();
    throw error;
  }
  let oauth: LocalOAuthServer | undefined;
  let content: LocalContentServer | undefined;
  let queues: LocalQueues | undefined;
  try {
    queues = await startLocalQueues({ root: PROJECT_ROOT, log });
    const resources = await ensureResources(emulators.endpoints);
    oauth = await startLocalOAuthServer({
      dynamoDbEndpoint: emulators.endpoints.dynamodb,
      clientsTable: LOCAL_NAMES.oauthClientsTable,
      // Beside the gateway's port, so `npm start` keeps one token URL across restarts.
      port: options.port === 0 ? 0 : options.port + 1,
      log,
    });
    const queueUrls = queues.urls;
    const env = {
      ...localEnvironment(emulators.endpoints, resources),
      [ENV.oauthTokenUrl]: oauth.tokenUrl,
      [ENV.localOAuthClientsTable]: LOCAL_NAMES.oauthClientsTable,
      // Scheduled reports' mail: `.eml` files beside the data (`.local/mail/` for npm start).
      [ENV.localMailDir]: path.join(emulators.dataDir, 'mail'),
      [ENV.reportMailSender]: LOCAL_MAIL_SENDER,
      AWS_ENDPOINT_URL_SQS: queues.endpoint,
      ...Object.fromEntries(QUEUES.map((queue) => [ENV[QUEUE_ENV[queue]], queueUrls[queue]])),
    };
    // Handlers run in this process and read configuration at import, exactly as a Lambda does at cold start.
    Object.assign(process.env, env);
    resetSettingsCache();
    resetClients();
    if (options.seed) {
      const clients = createLocalClients(emulators.endpoints);
      try {
        const { created } = await seedDemoOrganisation(organisationPorts(), clients.cognito, resources);
        log(created ? 'seeded the demo organisation' : 'demo organisation already present');
      } finally {
        clients.destroy();
      }
    }
    const jobs = runJobsLocally({
      root: PROJECT_ROOT,
      s3: emulators.s3,
      resources,
      schedules: options.schedules ?? false,
      log,
    });
    const events =
      options.events === false
        ? undefined
        : await startLocalEventBus({
            root: PROJECT_ROOT,
            dynamoDbEndpoint: emulators.endpoints.dynamodb,
            tableName: resources.tableName,
            log,
          });
    const scimRateLimit = localScimRateLimit();
    const gateway = createGateway({
      routes,
      scimRateLimit,
      authenticate: localAuthenticator(
        createIdTokenVerifier(emulators.endpoints, resources),
        oauth,
        resources.userPoolClientId,
      ),
      root: PROJECT_ROOT,
      log,
    });
    const host = options.host ?? '127.0.0.1';
    // Package pages run their own scripts: they get their own origin, as CloudFront gives them their own
    // domain, so they cannot act on the API's origin. Two after the gateway's port (the OAuth server is next).
    content = await startContentServer({
      bucket: resources.buckets.content,
      port: options.port === 0 ? 0 : options.port + 2,
      host,
      log,
    });
    // Launches send the learner to the player on the content origin.
    Object.assign(env, { [ENV.contentBaseUrl]: content.url });
    process.env[ENV.contentBaseUrl] = content.url;
    resetSettingsCache();
    await new Promise<void>((resolve, reject) => {
      gateway.once('error', reject);
      gateway.listen(options.port, host, () => resolve());
    });
    const { port } = gateway.address() as AddressInfo;
    return {
      url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`,
      contentUrl: content.url,
      endpoints: emulators.endpoints,
      resources,
      env,
      emulators,
      jobs,
      events,
      queues,
      scimRateLimit,
      stop: async () => {
        jobs.stop();
        await jobs.idle();
        await queues?.stop();
        await events?.stop();
        await invoke.stop();
        await oauth?.stop();
        await content?.stop();
        gateway.closeAllConnections();
        await new Promise<void>((resolve) => gateway.close(() => resolve()));
        await emulators.stop();
      },
    };
  } catch (error) {
    await queues?.stop();
    await content?.stop();
    await oauth?.stop();
    await emulators.stop();
    await invoke.stop();
    throw error;
  }
}

/**
 * The local gateway's token check, the Lambda authorizer's in AWS: an ID token from cognito-local (people),
 * or an access token from the local OAuth server (machine clients), told apart by their issuer, or a SCIM
 * token (by its prefix, before either verifier). Built after
 * the handler environment is applied: it reads machine clients' records from the local table, as the
 * authorizer function does (and is recorded as it).
 */
function localAuthenticator(
  verifyIdToken: (token: string) => Promise<Record<string, unknown>>,
  oauth: LocalOAuthServer,
  webClientId: string,
): Authenticator {
  const lookup = callerLookup(dynamoDb(), requireSetting('tableName'));
  const verify = (token: string) =>
    unverifiedIssuer(token) === oauth.issuer ? oauth.verifyAccessToken(token) : verifyIdToken(token);
  return (token, methodArn) =>
    runAsFunction(AUTHORIZER_HANDLER, async () =>
      allowWithContext(methodArn, await authenticate(token, verify, webClientId, lookup)),
    );
}

/** Only picks which verifier to use; the chosen verifier checks the signature and the issuer itself. */
function unverifiedIssuer(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).iss;
  } catch {
    return undefined;
  }
}
