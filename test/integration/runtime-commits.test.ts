/**
 * SCORM commits against DynamoDB Local, where the network and other function instances get in the way: a
 * commit whose answer is lost is applied once when the player sends it again; a commit is judged against
 * what another instance wrote meanwhile, never against this instance's stale copy; a suspended session
 * keeps its data for the next. Attempts are written directly (the launch is runtime.test.ts's business).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import type { Attempt } from '../../shared/domain/attempt.ts';
import { DynamoAttemptRepository } from '../../shared/store/attempt-store.ts';
import { keys } from '../../shared/store/keys.ts';
import { runtimePorts } from '../../shared/store/runtime-wiring.ts';
import type { AttemptRecord } from '../../shared/use-cases/ports.ts';
import { commitCmi, type RuntimeDeps } from '../../shared/use-cases/runtime.ts';
import { writeLaunchedAttempt } from '../support/attempts.ts';

const repository = () => new DynamoAttemptRepository(dynamoDb(), requireSetting('tableName'));

/** A launched SCORM 1.2 attempt of nobody's enrollment, and its Authorization header. */
async function launchedAttempt(): Promise<{ attempt: Attempt; authorization: string }> {
  const { attempt, token } = await writeLaunchedAttempt(repository());
  return { attempt, authorization: `Bearer ${token}` };
}

async function stored(attemptId: string) {
  const { Item } = await dynamoDb().send(
    new GetCommand({ TableName: requireSetting('tableName'), Key: keys.attempt(attemptId) }),
  );
  return Item as { version: number; seq: number; status: string; cmi: Record<string, string> };
}

describe('SCORM commits against the table', () => {
  it('applies a commit whose answer was lost once, when the player sends it again with its number', async () => {
    // Prepare: the write lands, then the answer is lost on the way back
    const { attempt, authorization } = await launchedAttempt();
    const real = repository();
    let lose = true;
    const deps: RuntimeDeps = {
      ...runtimePorts(),
      attempts: Object.assign(Object.create(real), {
        async commit(before: AttemptRecord, after: AttemptRecord) {
          await real.commit(before, after);
          if (lose) {
            lose = false;
            throw new Error('socket hang up');
          }
        },
      }),
    };
    const body = { seq: 1, values: { 'cmi.core.lesson_location': 'page-2' }, terminate: false };

    // Act
    const first = commitCmi(deps, attempt.id, authorization, body, 'request-1');
    await expect(first).rejects.toThrow('socket hang up');
    const again = await commitCmi(deps, attempt.id, authorization, body, 'request-2');

    // Assess
    expect(again).toMatchObject({ seq: 1, replayed: true, status: 'running' });
    expect(await stored(attempt.id)).toMatchObject({ version: 2, seq: 1 });
  });

  it("judges a commit against another instance's write, not this instance's copy, and keeps both", async () => {
    // Prepare: this instance commits 1 and keeps the attempt; another instance then commits 2
    const { attempt, authorization } = await launchedAttempt();
    const deps = runtimePorts();
    await commitCmi(
      deps,
      attempt.id,
      authorization,
      { seq: 1, values: { 'cmi.core.lesson_location': 'page-1' }, terminate: false },
      'request-1',
    );
    const other = repository();
    const before = (await other.get(attempt.id)) as AttemptRecord;
    await other.commit(before, {
      ...before,
      cmi: { ...before.cmi, 'cmi.suspend_data': 'from-the-other-instance' },
      attempt: { ...before.attempt, seq: 2, version: before.attempt.version + 1 },
      lastCommit: { seq: 2, digest: 'other' },
    });

    // Act
    const stale = await commitCmi(
      deps,
      attempt.id,
      authorization,
      { seq: 2, values: { 'cmi.core.lesson_location': 'page-9' }, terminate: false },
      'request-2',
    ).catch((error: unknown) => error);
    const next = await commitCmi(
      deps,
      attempt.id,
      authorization,
      { seq: 3, values: { 'cmi.core.lesson_location': 'page-3' }, terminate: false },
      'request-3',
    );

    // Assess
    expect(stale).toMatchObject({ status: 409, scormError: { code: 101 } });
    expect(next).toMatchObject({ seq: 3, replayed: false });
    const item = await stored(attempt.id);
    expect(item).toMatchObject({ version: 4, seq: 3 });
    expect(item.cmi['cmi.core.lesson_location']).toBe('page-3');
    expect(item.cmi['cmi.suspend_data']).toBe('from-the-other-instance');
  });

  it('keeps a suspended session whole: exit=suspend ends the session suspended with its data and total time', async () => {
    // Prepare
    const { attempt, authorization } = await launchedAttempt();
    const deps = runtimePorts();

    // Act
    const suspended = await commitCmi(
      deps,
      attempt.id,
      authorization,
      {
        seq: 1,
        values: {
          'cmi.suspend_data': 'chapter=3',
          'cmi.core.exit': 'suspend',
          'cmi.core.session_time': '00:10:00',
        },
        terminate: true,
      },
      'request-1',
    );

    // Assess
    expect(suspended).toMatchObject({ status: 'suspended', outcome: { totalSeconds: 600 } });
    const item = await stored(attempt.id);
    expect(item.status).toBe('suspended');
    expect(item.cmi['cmi.suspend_data']).toBe('chapter=3');
    expect(item.cmi['cmi.core.total_time']).toBe('0000:10:00.00');
  });

  it('refuses an expired launch token with 401 and writes nothing', async () => {
    // Prepare: a day and a minute later, on the use case's clock
    const { attempt, authorization } = await launchedAttempt();
    const later = new Date(Date.now() + 24 * 3_600_000 + 60_000);
    const deps: RuntimeDeps = { ...runtimePorts(), runtime: { now: () => later, newId: () => randomUUID() } };

    // Act
    const refused = await commitCmi(
      deps,
      attempt.id,
      authorization,
      { seq: 1, values: { 'cmi.core.lesson_location': 'late' }, terminate: false },
      'request-1',
    ).catch((error: unknown) => error);

    // Assess
    expect(refused).toMatchObject({
      status: 401,
      message: 'The launch token has expired: launch the course again.',
    });
    expect(await stored(attempt.id)).toMatchObject({ version: 1, seq: 0 });
  });
});
