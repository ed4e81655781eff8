/**
 * The retention run, as its function runs it (through the local handler loader): people suspended longer
 * than the policy says are erased (not one under legal hold), what other records hold of erased people is
 * redacted, and audit records past their retention are exported to the backups bucket, then deleted.
 */
import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureCognitoUser } from '../../infra/local/cognito.ts';
import { handlerLoader, PROJECT_ROOT } from '../../infra/local/paths.ts';
import { readLocalEnvironment } from '../../infra/local/resources.ts';
import { DEMO_PASSWORD } from '../../infra/local/seed.ts';
import { cognitoClient, dynamoDb, s3Client } from '../../shared/clients.ts';
import { requireSetting } from '../../shared/config.ts';
import { StaleVersionError } from '../../shared/domain/errors.ts';
import type { Job } from '../../shared/domain/job.ts';
import { retention } from '../../shared/jobs/manifest.ts';
import { DynamoAuditTrail } from '../../shared/store/audit-store.ts';
import { settingsPorts } from '../../shared/store/erasure-wiring.ts';
import { keys } from '../../shared/store/keys.ts';
import { DynamoSignInHistory } from '../../shared/store/sign-in-history.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { auditChange } from '../../shared/use-cases/context.ts';
import { dataLifecycleSettings, updateDataLifecycleSettings } from '../../shared/use-cases/retention.ts';
import { createUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail } from '../support/actors.ts';

type ScheduledHandler = (event: { time: string; id?: string }) => Promise<unknown>;
const load = handlerLoader<ScheduledHandler>(PROJECT_ROOT);
const tableName = () => requireSetting('tableName');
const DAY = 86_400_000;

/** The policy, set whatever version another test left it at. */
async function setPolicy(eraseSuspendedAfterDays: number | null, auditRetentionYears: number) {
  for (;;) {
    const current = await dataLifecycleSettings(settingsPorts());
    try {
      return await updateDataLifecycleSettings(settingsPorts(), actor(), current.version, {
        archiveContentAfterDays: current.archiveContentAfterDays,
        eraseSuspendedAfterDays,
        auditRetentionYears,
      });
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
    }
  }
}

/** A person suspended `daysAgo` days ago (the clock moved back for their suspension only). */
async function suspendedPerson(daysAgo: number, legalHoldReason?: string) {
  const ports = organisationPorts();
  const email = uniqueEmail('leaver');
  const created = await createUser(ports, actor(), {
    email,
    givenName: 'Lena',
    familyName: 'Leaver',
    jobTitle: 'Packer',
  });
  const suspendedAt = new Date(Date.now() - daysAgo * DAY).toISOString();
  const after = {
    ...created,
    status: 'suspended' as const,
    suspendedAt,
    suspensionReason: 'Left the company',
    legalHold: legalHoldReason ? { reason: legalHoldReason, setBy: 'tester', setAt: suspendedAt } : null,
    version: created.version + 1,
  };
  await ports.users.update(
    created,
    after,
    auditChange(ports.runtime, actor(), 'user.suspended', `user:${created.id}`, created, after),
  );
  return after;
}

async function readObject(key: string): Promise<Buffer> {
  const object = await s3Client().send(
    new GetObjectCommand({ Bucket: requireSetting('backupsBucket'), Key: key }),
  );
  return Buffer.from(
    await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

describe('the retention run', () => {
  it('erases people suspended too long (not under legal hold), redacts their traces, and exports then deletes old audit records', async () => {
    // Prepare: the policy; a leaver suspended 400 days ago with a login, a sign-in, an attempt, a statement and
    // an audit record they made; one under legal hold; one suspended yesterday
    await setPolicy(365, 7);
    const leaver = await suspendedPerson(400);
    const held = await suspendedPerson(400, 'Tribunal claim');
    const recent = await suspendedPerson(1);
    const { resources } = readLocalEnvironment();
    await ensureCognitoUser(cognitoClient(), resources, {
      email: leaver.email,
      password: DEMO_PASSWORD,
      groups: [],
    });
    await new DynamoSignInHistory(dynamoDb(), tableName()).record({
      userId: leaver.id,
      at: new Date().toISOString(),
      clientId: 'web',
      outcome: 'succeeded',
      reason: null,
      method: 'password',
    });
    const audit = new DynamoAuditTrail(dynamoDb(), tableName());
    const courseTarget = `course:${randomUUID()}`;
    const made = auditChange(
      { now: () => new Date(), newId: randomUUID },
      {
        principal: { sub: 'sub-of-leaver', userId: leaver.id, email: leaver.email, roles: ['learner'] },
        requestId: 'r1',
      },
      'enrollment.created',
      courseTarget,
      null,
      { courseId: courseTarget.slice(7), status: 'enrolled' },
    );
    await audit.append(made);
    const attemptId = randomUUID();
    await dynamoDb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.attempt(attemptId),
          entity: 'attempt',
          id: attemptId,
          userId: leaver.id,
          cmi: { 'cmi.learner_name': 'Leaver, Lena', 'cmi.score.raw': '80' },
        },
      }),
    );
    const statementId = randomUUID();
    const statement = {
      id: statementId,
      actor: {
        objectType: 'Agent',
        name: 'Lena Leaver',
        account: { homePage: 'https://lms.example.com', name: leaver.id },
      },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: { id: 'https://lms.example.com/courses/c1' },
    };
    await dynamoDb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.xapiStatement(statementId), json: JSON.stringify(statement), registration: 'r' },
      }),
    );
    // ... audit records of a course past 7 years (two months), and one recent
    const oldTarget = `course:${randomUUID()}`;
    const at = (iso: string) => ({ now: () => new Date(iso), newId: randomUUID });
    const old = [
      auditChange(at('2015-03-02T10:00:00.000Z'), actor(), 'course.updated', oldTarget, null, { title: 'A' }),
      auditChange(at('2015-03-20T10:00:00.000Z'), actor(), 'course.updated', oldTarget, null, { title: 'B' }),
      auditChange(at('2016-01-05T10:00:00.000Z'), actor(), 'course.archived', oldTarget, null, {
        title: 'B',
      }),
    ];
    const young = auditChange(
      at(new Date(Date.now() - 30 * DAY).toISOString()),
      actor(),
      'course.updated',
      oldTarget,
      null,
      {
        title: 'C',
      },
    );
    for (const record of [...old, young]) await audit.append(record);

    // Act
    const job = (await (await load(retention.handler))({ time: new Date().toISOString() })) as Job;

    // Assess: the run
    expect(job).toMatchObject({ type: 'retention', status: 'succeeded' });
    const result = job.result as {
      erased: string[];
      skipped: { userId: string; reason: string }[];
      auditFiles: string[];
    };
    expect(result.erased).toContain(leaver.id);
    expect(result.erased).not.toContain(held.id);
    expect(result.erased).not.toContain(recent.id);
    expect(result.skipped).toContainEqual({ userId: held.id, reason: 'legal hold: Tribunal claim' });
    // ... the leaver is erased, their login gone; the others are as they were
    const users = organisationPorts().users;
    expect(await users.get(leaver.id)).toMatchObject({
      email: `erased-${leaver.id}@erased.invalid`,
      givenName: 'Erased',
      jobTitle: null,
      suspensionReason: 'Erased',
    });
    expect((await users.get(held.id))?.email).toBe(held.email);
    expect((await users.get(recent.id))?.erasedAt ?? null).toBeNull();
    await expect(
      cognitoClient().send(
        new AdminGetUserCommand({ UserPoolId: resources.userPoolId, Username: leaver.email }),
      ),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    expect(await new DynamoSignInHistory(dynamoDb(), tableName()).recent(leaver.id, 10)).toEqual([]);
    // ... what other records held of them is redacted
    const trail = await audit.list(courseTarget, { limit: 10 });
    expect(trail.items[0]?.actor).toMatchObject({ userId: leaver.id, email: '[erased]', sub: '[erased]' });
    const attempt = await dynamoDb().send(
      new GetCommand({ TableName: tableName(), Key: keys.attempt(attemptId) }),
    );
    expect(attempt.Item?.cmi).toEqual({ 'cmi.learner_name': '[erased]', 'cmi.score.raw': '80' });
    const stored = await dynamoDb().send(
      new GetCommand({ TableName: tableName(), Key: keys.xapiStatement(statementId) }),
    );
    expect(JSON.parse(String(stored.Item?.json)).actor).toEqual({
      objectType: 'Agent',
      account: { homePage: 'https://lms.example.com', name: leaver.id },
    });
    // ... the old audit records are in the backups bucket, one file per month with its checksum, and gone
    const march = `audit/2015/03/${job.id}.ndjson.gz`;
    const january = `audit/2016/01/${job.id}.ndjson.gz`;
    expect(result.auditFiles).toEqual(expect.arrayContaining([march, january]));
    const file = await readObject(march);
    const manifest = JSON.parse((await readObject(`audit/2015/03/${job.id}.manifest.json`)).toString('utf8'));
    expect(manifest.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    const lines = gunzipSync(file)
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const ours = lines.filter((line) => line.target === oldTarget);
    expect(ours.map((line) => line.after.title).sort()).toEqual(['A', 'B']);
    const remaining = await audit.list(oldTarget, { limit: 10 });
    expect(remaining.items.map((record) => record.id)).toEqual([young.id]);
  });
});
