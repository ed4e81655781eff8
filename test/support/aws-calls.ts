/**
 * The tests' record of AWS calls (shared/aws-calls.ts writes it): where it lives, how the unit tests of
 * AWS-only calls add their mocked calls to it, and how the infra grant test reads it back.
 *
 * The record is one JSON object per line: `{ fn, action, resource? }` for a call a function made, and
 * `{ testFile }` for each unit or integration test file that ran, so a partial run can be told apart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetadataBearer } from '@smithy/types';
import type { AwsStub } from 'aws-sdk-client-mock';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { iamCallsOf, type RecordedCall, recordCalls } from '../../shared/aws-calls.ts';

/** Where `npm test` records the calls: the unit and integration projects write it, the infra project reads it. */
export const AWS_CALLS_FILE = join(PROJECT_ROOT, '.local', 'aws-calls.jsonl');

/** What a mock from aws-sdk-client-mock received: the client it stood in for and each command sent. */
type MockedClient = Pick<AwsStub<object, MetadataBearer, unknown>, 'calls'>;

/**
 * Records the calls `mocks` received (from the `from`-th on) as calls of the function `handlerModule`, the
 * way the clients' own middleware records real ones (a mock replaces `send`, so that middleware never runs).
 * For unit tests of calls only AWS answers: attribute them to the function whose use case makes them.
 *
 * @example afterEach(() => recordMockedCalls(getUserAccess.handler, cognito));
 */
export function recordMockedCalls(handlerModule: string, ...mocks: MockedClient[]): void {
  recordCallsSince(
    handlerModule,
    mocks.map((mock) => ({ mock, from: 0 })),
  );
}

/**
 * The adapter, with each method named in `handlerOf` recording the calls it makes on `mocks` as calls of
 * the function `handlerOf` names for it (given the method's arguments): the function whose use case calls
 * that method. For tests that call several methods of one adapter, each on behalf of another function.
 *
 * @example
 * const registry = attributed(new CognitoMachineClients(client, pool, url), { create: () => createApiClient.handler }, cognito);
 */
export function attributed<T extends object>(
  adapter: T,
  handlerOf: {
    readonly [K in keyof T]?: T[K] extends (...args: infer A) => unknown ? (...args: A) => string : never;
  },
  ...mocks: MockedClient[]
): T {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      const handlerOfCall = handlerOf[property as keyof T] as ((...args: unknown[]) => string) | undefined;
      if (typeof value !== 'function' || !handlerOfCall) return value;
      return async (...args: unknown[]) => {
        const from = mocks.map((mock) => ({ mock, from: mock.calls().length }));
        try {
          return await Reflect.apply(value, target, args);
        } finally {
          recordCallsSince(handlerOfCall(...args), from);
        }
      };
    },
  });
}

function recordCallsSince(
  handlerModule: string,
  mocks: readonly { mock: MockedClient; from: number }[],
): void {
  for (const { mock, from } of mocks) {
    for (const call of mock.calls().slice(from)) {
      const client = call.thisValue as object;
      // A document-client command wraps the DynamoDB command it sends (GetCommand -> GetItemCommand).
      const command = call.args[0] as { input: unknown; clientCommand?: object };
      const sent = command.clientCommand ?? command;
      recordCalls(handlerModule, iamCallsOf(client.constructor.name, sent.constructor.name, command.input));
    }
  }
}

export interface CallRecord {
  /** Test files (relative to the project root) that ran while the record was written. */
  readonly testFiles: ReadonlySet<string>;
  readonly calls: readonly RecordedCall[];
}

/** The record as the last run wrote it; undefined when there is none. */
export function readCallRecord(file = AWS_CALLS_FILE): CallRecord | undefined {
  if (!existsSync(file)) return undefined;
  const testFiles = new Set<string>();
  const calls: RecordedCall[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as RecordedCall | { testFile: string };
    if ('testFile' in entry) testFiles.add(entry.testFile);
    else calls.push(entry);
  }
  return { testFiles, calls };
}
