/**
 * Least privilege, proven: every AWS call each function made in this run's unit, integration and e2e tests
 * (recorded by shared/aws-calls.ts, keyed by the handler that ran) against the IAM policies CDK synthesizes
 * for that function's role. A recorded call the role does not allow fails; so does a granted data action
 * that no function holding it ever used (except the few calls listed below that no test can reach).
 *
 * The record comes from the unit and integration projects, which run before this one (vitest.config.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type LmsStacks } from '../../infra/app.ts';
import type { LmsFunction } from '../../infra/constructs/lms-function.ts';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { LOCAL_NAMES } from '../../infra/local/resources.ts';
import { ANALYTICS_ENTITY_NAMES } from '../../shared/analytics/schemas.ts';
import type { RecordedCall } from '../../shared/aws-calls.ts';
import { AUTHORIZER_HANDLER } from '../../shared/http/authorizer.ts';
import { BUCKETS, type BucketName } from '../../shared/http/route.ts';
import { jobs } from '../../shared/jobs/manifest.ts';
import { routes } from '../../shared/routes/index.ts';
import { AWS_CALLS_FILE, type CallRecord, readCallRecord } from '../support/aws-calls.ts';

/** The services whose grants must each be used: the data the functions read and write. */
const DATA_SERVICES = /^(dynamodb|s3|cognito-idp|secretsmanager|events):/;

/**
 * Granted actions no test can drive, with why. Keep this short: an entry here is a grant nothing proves.
 * Keys: `<action> <target>` as {@link grantKey} writes them. (process-package's cleanup of a half-stored
 * version, s3:DeleteObject on content/, is driven by a package whose file fails mid-stream in
 * test/e2e/packages.test.ts.)
 */
const UNREACHABLE_IN_TESTS: Readonly<Record<string, string>> = {};

/**
 * DynamoDB tables a function reaches only locally: the local OAuth server's machine clients stand in for
 * Cognito's app clients (in AWS those calls are Cognito's, recorded by test/unit/cognito-machine-clients).
 */
const LOCAL_ONLY_TABLES = new Set<string>([LOCAL_NAMES.oauthClientsTable]);

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
}

/** What one action of a statement allows on: the LMS table, its stream, a bucket, the pool, secrets, the bus. */
interface Grant {
  readonly action: string;
  /** `table`, `restore-table`, `stream`, `user-pool`, `secret`, `bus`, `<bucket>` (bucket-level) or `<bucket>/<pattern>`. */
  readonly target: string;
}

interface FunctionUnderTest {
  readonly handler: string;
  readonly fn: LmsFunction;
  readonly grants: readonly Grant[];
}

let stacks: LmsStacks;
let functions: FunctionUnderTest[];
let record: CallRecord | undefined;

beforeAll(() => {
  // Prepare: the app as `cdk synth` builds it (bundling skipped), and the record of this run's calls.
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: object };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  stacks = buildApp(app);
  const handlers: [string, LmsFunction][] = [
    ...routes.map((route): [string, LmsFunction] => [
      route.handler,
      required(stacks.api.functions, route.id),
    ]),
    ...jobs.map((job): [string, LmsFunction] => [
      job.handler,
      stacks.jobs.functions.get(job.id) ?? required(stacks.auth.triggerFunctions, job.id),
    ]),
    [AUTHORIZER_HANDLER, stacks.api.authorizerFunction],
  ];
  const templates = new Map<Stack, Template>();
  const templateOf = (fn: LmsFunction) => {
    const stack = Stack.of(fn);
    let template = templates.get(stack);
    if (!template) {
      template = Template.fromStack(stack);
      templates.set(stack, template);
    }
    return template;
  };
  functions = handlers.map(([handler, fn]) => ({ handler, fn, grants: grantsOf(templateOf(fn), fn) }));
  record = readCallRecord();
});

describe('the record of AWS calls', () => {
  it('is the record of a whole run of the unit, integration and e2e tests', () => {
    // Prepare
    const { testFiles } = callRecord();
    const expected = ['test/unit', 'test/integration', 'test/e2e'].flatMap((dir) => testFilesUnder(dir));

    // Assess
    expect(expected.length).toBeGreaterThan(0);
    const missing = expected.filter((file) => !testFiles.has(file));
    expect(
      missing,
      `The record at ${relative(PROJECT_ROOT, AWS_CALLS_FILE)} is partial: these test files did not run while it was written. ${REGENERATE}`,
    ).toEqual([]);
  });

  it("names only handlers the app deploys, and the LMS's own table and buckets", () => {
    // Prepare
    const known = new Set(functions.map((f) => f.handler));
    const strangers = callRecord().calls.filter(
      (call) =>
        !known.has(call.fn) ||
        (call.resource?.startsWith('table:') &&
          !LOCAL_ONLY_TABLES.has(call.resource.slice('table:'.length))) ||
        call.resource?.startsWith('bucket:'),
    );

    // Assess
    expect(strangers.map(describeCall)).toEqual([]);
  });
});

describe('least privilege', () => {
  it("allows every call each function made in the tests, in that function's synthesized IAM policies", () => {
    // Prepare
    const byHandler = new Map(functions.map((f) => [f.handler, f]));

    // Act
    const refused = callRecord().calls.flatMap((call) => {
      const under = byHandler.get(call.fn);
      if (!under || isLocalOnly(call)) return [];
      return under.grants.some((grant) => allows(grant, call))
        ? []
        : [`${call.fn} (${under.fn.node.path}) calls ${call.action} on ${call.resource ?? 'its resource'}`];
    });

    // Assess
    expect(
      [...new Set(refused)].sort(),
      "Calls the function's role does not allow: grant them (the function's `needs`, or the grant of that kind of need in LmsFunction)",
    ).toEqual([]);
  });

  it('grants no data action that no function holding it used in the tests', () => {
    // Prepare: each granted data action on its target, with the functions holding it
    const holders = new Map<string, FunctionUnderTest[]>();
    for (const under of functions) {
      for (const grant of under.grants) {
        // The stream is read by Lambda's event source mapping on the function's behalf, not by its code.
        if (!DATA_SERVICES.test(grant.action) || grant.target === 'stream') continue;
        if (usedByAthenaOnBehalf(under, grant)) continue;
        const key = grantKey(grant);
        const holding = holders.get(key) ?? [];
        if (!holding.includes(under)) holders.set(key, [...holding, under]);
      }
    }
    const calls = callRecord().calls;

    // Act
    const unused = [...holders.entries()]
      .filter(([key]) => !(key in UNREACHABLE_IN_TESTS))
      .filter(([key, holding]) => {
        const grant = holding[0]?.grants.find((g) => grantKey(g) === key) as Grant;
        return !holding.some((under) =>
          calls.some((call) => call.fn === under.handler && allows(grant, call)),
        );
      })
      .map(([key, holding]) => `${key}: held by ${holding.map((h) => h.fn.node.id).join(', ')}`);

    // Assess
    expect(
      unused.sort(),
      'Granted, but no function holding it made such a call in the tests: remove the grant, or drive the call in a test (or, if no test can, list it in UNREACHABLE_IN_TESTS with the reason)',
    ).toEqual([]);
  });

  it('has calls of every function that holds data grants: no function is granted what no test drives', () => {
    // Prepare
    const calls = callRecord().calls;

    // Act
    const undriven = functions
      .filter((under) => under.grants.some((g) => DATA_SERVICES.test(g.action) && g.target !== 'stream'))
      .filter((under) => !calls.some((call) => call.fn === under.handler))
      .map((under) => `${under.handler} (${under.fn.node.path})`);

    // Assess
    expect(
      undriven,
      'No test made these functions call AWS, so nothing proves their grants: drive each through the local gateway, a job, or the unit test of its AWS-only calls',
    ).toEqual([]);
  });

  it('lists no unreachable action that a test does reach, nor one that is no longer granted', () => {
    // Prepare
    const granted = new Set(functions.flatMap((under) => under.grants.map(grantKey)));
    const calls = callRecord().calls;

    // Assess
    for (const key of Object.keys(UNREACHABLE_IN_TESTS)) {
      expect(granted.has(key), key).toBe(true);
      const holding = functions.filter((under) => under.grants.some((g) => grantKey(g) === key));
      const grant = holding[0]?.grants.find((g) => grantKey(g) === key) as Grant;
      expect(
        holding.some((under) => calls.some((call) => call.fn === under.handler && allows(grant, call))),
        key,
      ).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

const REGENERATE =
  'Run the whole suite (npm test), or regenerate the record with `npx vitest run --project unit --project integration`, then run the infra tests again.';

function callRecord(): CallRecord {
  if (!record) {
    throw new Error(
      `No record of AWS calls at ${relative(PROJECT_ROOT, AWS_CALLS_FILE)}: the grant test checks the calls the unit and integration tests make. ${REGENERATE}`,
    );
  }
  return record;
}

function testFilesUnder(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(dir, name));
}

/**
 * Athena runs a report's query with its caller's credentials: it reads the tables' files and writes and reads
 * its results as the function, never through the function's own S3 client. Locally DuckDB answers instead,
 * so no test can drive these S3 grants of `reportQueries`: the results location, the buckets' location, and
 * the table folders.
 */
function usedByAthenaOnBehalf(under: FunctionUnderTest, grant: Grant): boolean {
  if (!reportQueryHandlers.has(under.handler)) return false;
  if (grant.target.startsWith(ATHENA_RESULTS_TARGET)) return true;
  if (grant.action === 's3:GetBucketLocation') return true;
  return ANALYTICS_ENTITY_NAMES.some((table) => grant.target === `analytics/${table}/*`);
}

/** The handlers whose needs name `reportQueries`. */
const reportQueryHandlers = new Set(
  [...routes, ...jobs].filter((unit) => unit.needs.reportQueries).map((unit) => unit.handler),
);

/** How {@link targetOf} names the Athena workgroup's results bucket. */
const ATHENA_RESULTS_TARGET = 'athena-results';

function isLocalOnly(call: RecordedCall): boolean {
  return Boolean(call.resource?.startsWith('table:') && LOCAL_ONLY_TABLES.has(call.resource.slice(6)));
}

function describeCall(call: RecordedCall): string {
  return `${call.fn}: ${call.action} on ${call.resource ?? '-'}`;
}

function grantKey(grant: Grant): string {
  return `${grant.action} ${grant.target}`;
}

/** Whether a grant allows a recorded call: same action, and a target that covers the call's resource. */
function allows(grant: Grant, call: RecordedCall): boolean {
  if (grant.action !== call.action) return false;
  const resource = call.resource;
  if (resource === undefined)
    return !BUCKETS.some((b) => grant.target.startsWith(b)) && grant.target !== 'table';
  if (resource === 'table' || resource === 'restore-table') return grant.target === resource;
  const [bucket, ...key] = resource.split('/');
  if (!BUCKETS.includes(bucket as BucketName)) return false;
  if (key.length === 0) return grant.target === bucket;
  // An object pattern `<bucket>/*` or `<bucket>/<prefix>*` covers keys under that prefix.
  const prefix = key.join('/');
  const [grantBucket, pattern] = splitOnce(grant.target, '/');
  return (
    grantBucket === bucket &&
    pattern !== undefined &&
    pattern.endsWith('*') &&
    prefix.startsWith(pattern.slice(0, -1))
  );
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Every action each Allow statement of the function role's policies grants, on what. */
function grantsOf(template: Template, fn: LmsFunction): Grant[] {
  const functionResource = template.findResources('AWS::Lambda::Function')[logicalIdOf(fn)];
  const roleId = functionResource?.Properties.Role['Fn::GetAtt'][0] as string;
  // The role's default policy, and any policy of its own attached to it (a pool trigger's pool policy).
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((statement) => statement.Effect === 'Allow');
  return statements.flatMap((statement) =>
    asArray(statement.Resource).flatMap((resource) =>
      asArray(statement.Action).map((action) => ({ action, target: targetOf(resource) })),
    ),
  );
}

/** What a policy resource names, in the terms of the record (see {@link Grant.target}). */
function targetOf(resource: unknown): string {
  const json = JSON.stringify(resource);
  const tableId = logicalIdOf(stacks.data.table);
  if (json.includes(`${tableId}StreamArn`)) return 'stream';
  // `<table name>-restore-*`: the tables restores and drills create.
  if (json.includes(tableId) && json.includes('-restore-*')) return 'restore-table';
  if (json.includes(tableId)) return 'table';
  if (json.includes(logicalIdOf(stacks.data.analyticsLake.resultsBucket))) {
    const tail = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1]?.at(-1);
    return typeof tail === 'string' && tail.startsWith('/')
      ? `${ATHENA_RESULTS_TARGET}${tail}`
      : ATHENA_RESULTS_TARGET;
  }
  for (const name of BUCKETS) {
    if (!json.includes(logicalIdOf(stacks.data.buckets[name]))) continue;
    // `Fn::Join ['', [<bucket ARN>, '/<pattern>']]` for objects; the bare ARN for the bucket itself.
    const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? [];
    const tail = parts.at(-1);
    return typeof tail === 'string' && tail.startsWith('/') ? `${name}${tail}` : name;
  }
  if (json.includes(logicalIdOf(stacks.auth.userPool))) return 'user-pool';
  if (json.includes(':secret:')) return 'secret';
  if (json.includes(logicalIdOf(stacks.jobs.eventBus))) return 'bus';
  return json;
}

function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

function required<T>(map: ReadonlyMap<string, T>, id: string): T {
  const value = map.get(id);
  if (!value) throw new Error(`No function for ${id}`);
  return value;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
