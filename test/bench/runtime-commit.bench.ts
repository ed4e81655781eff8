/**
 * A SCORM commit: the whole PUT /attempts/{id}/cmi handler (middy stack, the body read against its schema,
 * the launch token checked, the snapshot validated element by element against the data model, the session's
 * outcome derived, one conditional UpdateItem) invoked in-process against DynamoDB Local, against a raw
 * UpdateItem of the same attributes (data model, sequence, status, outcome, last commit, token expiry,
 * version) with the same condition, through the same client. The learners' commits go round 40 attempts (a
 * learner commits every few seconds; the per-attempt throttle stays out of it), each warmed by one commit as
 * a learner's function is warm after their first. Reported: the median over rounds of p50(handler) / p50(raw).
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { dynamoDb } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { DynamoAttemptRepository } from '../../shared/store/attempt-store.ts';
import { keys } from '../../shared/store/keys.ts';
import { writeLaunchedAttempt } from '../support/attempts.ts';
import { type Figure, interleavedP50Ratio } from './figures.ts';

const ROUNDS = 5;
const PER_ROUND = 200;
const ATTEMPTS = 40;

/** What scorm-again sends for a SCORM 1.2 SCO mid-lesson: the model, 2 KB of suspend data, 5 interactions. */
function snapshot(learnerId: string, page: number): Record<string, string> {
  const values: Record<string, string> = {
    'cmi.core.student_id': learnerId,
    'cmi.core.student_name': 'Learner, Test',
    'cmi.core.lesson_location': `page-${page}`,
    'cmi.core.lesson_status': 'incomplete',
    'cmi.core.score.raw': '40',
    'cmi.core.score.min': '0',
    'cmi.core.score.max': '100',
    'cmi.core.session_time': '00:05:00',
    'cmi.suspend_data': 'q'.repeat(2048),
    'cmi.comments': '',
  };
  for (let n = 0; n < 5; n++) {
    values[`cmi.interactions.${n}.id`] = `question-${n}`;
    values[`cmi.interactions.${n}.type`] = 'choice';
    values[`cmi.interactions.${n}.student_response`] = 'a';
    values[`cmi.interactions.${n}.result`] = 'correct';
  }
  return values;
}

export async function benchRuntimeCommit(): Promise<Figure[]> {
  const { handler } = await import('../../functions/runtime/commit-attempt-cmi.ts');
  const tableName = requireSetting('tableName');
  const client = dynamoDb();
  const repository = new DynamoAttemptRepository(client, tableName);
  const learners = await Promise.all(
    Array.from({ length: ATTEMPTS }, async () => ({ ...(await writeLaunchedAttempt(repository)), seq: 0 })),
  );
  const context = {
    awsRequestId: 'bench',
    functionName: 'bench',
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
  let turn = 0;
  const viaHandler = async () => {
    const learner = learners[turn++ % ATTEMPTS] as (typeof learners)[number];
    learner.seq += 1;
    const path = `/attempts/${learner.attempt.id}/cmi`;
    const response = await handler(
      {
        httpMethod: 'PUT',
        path,
        resource: '/attempts/{id}/cmi',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${learner.token}` },
        multiValueHeaders: {},
        pathParameters: { id: learner.attempt.id },
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        stageVariables: null,
        body: JSON.stringify({ seq: learner.seq, values: snapshot(learner.attempt.userId, learner.seq) }),
        isBase64Encoded: false,
        requestContext: { requestId: 'bench', path, authorizer: null },
      } as unknown as APIGatewayProxyEvent,
      context,
    );
    if (response.statusCode !== 200)
      throw new Error(`handler answered ${response.statusCode}: ${response.body}`);
  };

  // The raw side: the same UpdateItem on an item of its own, the data model as the handler stores it.
  const rawId = randomUUID();
  let rawVersion = 0;
  // The data model exactly as the handler stores it: the session's defaults with a commit applied.
  await viaHandler();
  const rawCmi = (await repository.get(learners[0]?.attempt.id ?? ''))?.cmi ?? {};
  const raw = async () => {
    rawVersion += 1;
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.attempt(rawId),
        UpdateExpression:
          'SET cmi = :cmi, seq = :seq, #status = :status, outcome = :outcome, endedAt = :endedAt, lastCommit = :lastCommit, tokenExpiresAt = :tokenExpiresAt, version = :version',
        ConditionExpression: rawVersion === 1 ? 'attribute_not_exists(pk)' : 'version = :expected',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':cmi': { ...rawCmi, 'cmi.core.lesson_location': `page-${rawVersion}` },
          ':seq': rawVersion,
          ':status': 'running',
          ':outcome': { completion: 'incomplete', success: 'unknown', scoreScaled: 0.4, totalSeconds: 0 },
          ':endedAt': null,
          ':lastCommit': { seq: rawVersion, digest: randomUUID() },
          ':tokenExpiresAt': new Date().toISOString(),
          ':version': rawVersion,
          ...(rawVersion === 1 ? {} : { ':expected': rawVersion - 1 }),
        },
      }),
    );
  };

  const measured = await interleavedP50Ratio(viaHandler, raw, {
    warmup: ATTEMPTS,
    rounds: ROUNDS,
    perRound: PER_ROUND,
  });
  return [
    {
      id: 'runtime.commit.p50.ratio',
      value: measured.ratio,
      unit: 'x',
      op: '<=',
      target: 1.3,
      note: `PUT /attempts/{id}/cmi handler in-process (token, a SCORM 1.2 snapshot of 30 elements with 2 KB of suspend data validated, one conditional UpdateItem) vs a raw UpdateItem of the same attributes with the same condition, p50 of ${PER_ROUND} interleaved calls over ${ATTEMPTS} attempts, median of ${ROUNDS} rounds (handler p50 ${measured.handlerP50.toFixed(2)} ms, raw ${measured.rawP50.toFixed(2)} ms)`,
    },
  ];
}
