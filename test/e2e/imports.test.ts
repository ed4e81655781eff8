/**
 * Imports over HTTP, as an administrator's script would run them: ask for an upload, PUT the file where the
 * API says, wait for the plan, read it (and errors.csv), apply, undo. The plan step and the apply and undo
 * runs happen in the background (the upload's S3 event, the imports queue), so the tests poll the import.
 */
import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../shared/clients.ts';
import { uniqueName } from '../support/actors.ts';
import { api, departmentIdByName, tokenFor } from '../support/http.ts';
import { importWhen, planOf, uploadImport } from '../support/imports.ts';

let admin: string;
beforeAll(async () => {
  admin = await tokenFor('admin@example.com');
});

const upload = (file: string, body: Record<string, unknown>) => uploadImport(admin, file, body);
const until = (id: string, statuses: readonly string[]) => importWhen(admin, id, statuses);
const plan = (id: string, action?: string) => planOf(admin, id, action);

async function person(email: string) {
  const found = await api('GET', `/users?email=${encodeURIComponent(email)}`, { token: admin });
  return found.json.items[0] as Record<string, unknown> | undefined;
}

describe('a people file in our format: upload, plan, apply, undo', () => {
  it('plans each row (creates, an update, errors with column and reason), applies it, and undo puts everyone back', async () => {
    // Prepare: Sales EMEA people, one led by a manager further down the file; an update of Sam; bad rows
    const u = randomUUID().slice(0, 8);
    const sam = (await person('sam.seller@example.com')) ?? {};
    const samBefore = { jobTitle: sam.jobTitle, version: sam.version };
    const file = [
      'email,given_name,family_name,external_id,department,manager_email,job_title,hire_date,custom.shirt',
      `ana.${u}@example.com,Ana,Alves,HR-A-${u},Sales/Sales EMEA,boss.${u}@example.com,Seller,2024-03-01,M`,
      `sam.seller@example.com,,,,,,Senior account executive,,`,
      `"not an email",Bad,Row,,Sales,,,,`,
      `lost.${u}@example.com,Lost,Department,,Marketing/Nowhere,,,,`,
      `=SUM(A1:A9),x,y,,,,,,`,
      `ana.${u}@example.com,Ana,Again,,,,,,`,
      `boss.${u}@example.com,Bo,Boss,HR-B-${u},Sales,,Head of EMEA,2020-01-15,`,
    ].join('\r\n');

    // Act 1: upload, plan
    const id = await upload(file, { type: 'people', format: 'lms' });
    const planned = await until(id, ['planned', 'failed']);

    // Assess 1: every row accounted for, in order, with diffs and reasons
    expect(planned).toMatchObject({
      status: 'planned',
      rows: 7,
      counts: { create: 2, update: 1, error: 4, unchanged: 0, suspend: 0 },
      approval: { required: false },
    });
    expect(await sourceKept(id)).toBe(false); // the plan holds what is needed; the file is not kept
    const entries = await plan(id);
    expect(entries.map((entry) => [entry.line, entry.action])).toEqual([
      [2, 'create'],
      [3, 'update'],
      [4, 'error'],
      [5, 'error'],
      [6, 'error'],
      [7, 'error'],
      [8, 'create'],
    ]);
    expect(entries[0]?.diffs).toMatchObject({
      email: { from: null, to: `ana.${u}@example.com` },
      jobTitle: { from: null, to: 'Seller' },
      hireDate: { from: null, to: '2024-03-01' },
      customAttributes: { from: null, to: { shirt: 'M' } },
    });
    expect(entries[1]?.diffs).toEqual({
      jobTitle: { from: samBefore.jobTitle, to: 'Senior account executive' },
    });
    expect(entries.filter((entry) => entry.action === 'error').map((entry) => entry.error)).toEqual([
      { column: 'email', reason: '"not an email" is not an email address' },
      { column: 'department', reason: 'no department Marketing / Nowhere' },
      { column: 'email', reason: '"=SUM(A1:A9)" is not an email address' },
      { column: 'email', reason: `ana.${u}@example.com is also on line 2: one row per person` },
    ]);
    expect((await plan(id, 'create')).map((entry) => entry.line)).toEqual([2, 8]);
    // The API answers 303 to a short-lived download, which fetch follows, as curl -L or a browser would
    const errors = await api('GET', `/imports/${id}/errors.csv`, { token: admin });
    expect(errors.status).toBe(200);
    expect(errors.headers.get('content-type')).toContain('text/csv');
    const csv = errors.text;
    expect(csv.split('\r\n')[0]).toBe('file,line,column,reason,row');
    // The formula-looking cell comes back neutralised, never as a formula a spreadsheet would run
    expect(csv).toContain(`'=SUM(A1:A9)`);
    expect(csv).not.toMatch(/(^|,)"?=SUM/m);

    // Act 2: apply
    const applying = await api('POST', `/imports/${id}/apply`, { token: admin });
    const applied = await until(id, ['applied', 'failed']);

    // Assess 2: the people exist as planned, the manager a row further down included, audited
    expect(applying.status).toBe(202);
    expect(applied).toMatchObject({ status: 'applied', applied: { done: 3, conflicts: 0 } });
    const ana = await person(`ana.${u}@example.com`);
    const boss = await person(`boss.${u}@example.com`);
    expect(ana).toMatchObject({
      givenName: 'Ana',
      externalId: `HR-A-${u}`,
      departmentId: await departmentOf('Sales EMEA'),
      managerId: boss?.id,
      hireDate: '2024-03-01',
      customAttributes: { shirt: 'M' },
    });
    expect((await person('sam.seller@example.com'))?.jobTitle).toBe('Senior account executive');
    const trail = await api('GET', `/audit?target=user:${ana?.id}`, { token: admin });
    expect(trail.json.items.map((record: { action: string }) => record.action)).toEqual(['user.created']);

    // Act 3: undo
    const undoing = await api('POST', `/imports/${id}/undo`, { token: admin });
    const undone = await until(id, ['undone', 'failed']);

    // Assess 3: the people the import created are gone, Sam is as before
    expect(undoing.status).toBe(202);
    expect(undone).toMatchObject({ status: 'undone', undone: { restored: 3, refused: 0 } });
    expect(await person(`ana.${u}@example.com`)).toBeUndefined();
    expect(await person(`boss.${u}@example.com`)).toBeUndefined();
    const samAfter = await person('sam.seller@example.com');
    expect(samAfter?.jobTitle).toBe(samBefore.jobTitle);
  });
});

describe('an HR sync', () => {
  it('that would suspend half of its scope waits for an approval, and suspends no one until it comes', async () => {
    // Prepare: a department of four people with external ids; the feed lists two of them
    const u = randomUUID().slice(0, 8);
    const team = await api('POST', '/departments', { token: admin, body: { name: uniqueName('Sync') } });
    const people = [];
    for (const n of [1, 2, 3, 4]) {
      const created = await api('POST', '/users', {
        token: admin,
        body: {
          email: `sync${n}.${u}@example.com`,
          givenName: 'Sy',
          familyName: `Nc${n}`,
          externalId: `SYNC-${n}-${u}`,
          departmentId: team.json.id,
        },
      });
      people.push(created.json);
    }
    const feed = [
      'email,given_name,family_name,external_id,department',
      `sync1.${u}@example.com,Sy,Nc1,SYNC-1-${u},${team.json.id}`,
      `sync2.${u}@example.com,Sy,Nc2,SYNC-2-${u},${team.json.id}`,
    ].join('\n');

    // Act 1: plan, then ask to apply without an approval
    const id = await upload(feed, {
      type: 'people',
      format: 'lms',
      mode: 'sync',
      options: { scopeDepartmentId: team.json.id },
    });
    const planned = await until(id, ['planned', 'failed']);
    const waiting = await api('POST', `/imports/${id}/apply`, { token: admin });

    // Assess 1: two suspensions of four (50 %) exceed 10 %: it waits, and no one is suspended
    expect(planned).toMatchObject({
      status: 'planned',
      counts: { suspend: 2, unchanged: 2 },
      approval: { required: true },
    });
    expect(planned.approval.reason).toContain('(50.0 %) exceed the threshold of 10 %');
    expect((await plan(id, 'suspend')).map((entry) => entry.target.key).sort()).toEqual([
      `SYNC-3-${u}`,
      `SYNC-4-${u}`,
    ]);
    expect(waiting.status).toBe(202);
    expect(waiting.json.status).toBe('awaiting-approval');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const created of people)
      expect((await api('GET', `/users/${created.id}`, { token: admin })).json.status).toBe('active');

    // Act 2: approve, with a reason
    const refused = await api('POST', `/imports/${id}/apply`, { token: admin, body: { approve: true } });
    const approved = await api('POST', `/imports/${id}/apply`, {
      token: admin,
      body: { approve: true, reason: 'Q3 restructuring: Sync team reduced' },
    });
    const applied = await until(id, ['applied', 'failed']);

    // Assess 2: the reason is required; then the two leavers are suspended, the approval recorded
    expect(refused.status).toBe(400);
    expect(approved.status).toBe(202);
    expect(applied).toMatchObject({
      status: 'applied',
      approval: { required: true, note: 'Q3 restructuring: Sync team reduced' },
      applied: { done: 2, conflicts: 0 },
    });
    const statuses = await Promise.all(
      people.map(async (created) => (await api('GET', `/users/${created.id}`, { token: admin })).json.status),
    );
    expect(statuses).toEqual(['active', 'active', 'suspended', 'suspended']);
  });
});

describe('an upload that is not what was announced', () => {
  it('fails the import when the file is another size than announced, and does not keep it', async () => {
    // Prepare: 40 bytes announced, 60 sent (in AWS the signed length refuses this PUT; s3rver does not)
    const file = Buffer.from(`email,given_name,family_name\nx@example.com,${'X'.repeat(31)},Y`);
    const created = await api('POST', '/imports', {
      token: admin,
      body: { type: 'people', format: 'lms', mode: 'upsert', fileName: 'p.csv', sizeBytes: 40 },
    });
    const { url } = created.json.upload;
    // Act
    const put = await fetch(url, { method: 'PUT', body: new Uint8Array(file) });
    const failed = await until(created.json.import.id, ['failed', 'planned']);
    // Assess
    expect(put.status).toBe(200);
    expect(failed.status).toBe('failed');
    expect(failed.failure).toEqual({
      code: 'upload-size-mismatch',
      message: `The upload is ${file.length} bytes, not the 40 announced.`,
    });
    expect(await sourceKept(created.json.import.id)).toBe(false);
  });

  it('refuses to finish a multipart upload whose parts do not add up to the size announced', async () => {
    // Prepare: 110 MB announced (two presigned parts of which the last is what remains), 10 bytes a part sent
    const announced = 110 * 1024 * 1024;
    const created = await api('POST', '/imports', {
      token: admin,
      body: { type: 'people', format: 'lms', mode: 'upsert', fileName: 'all.csv', sizeBytes: announced },
    });
    expect(created.status, created.text).toBe(202);
    const { upload } = created.json;
    expect(upload.method).toBe('MULTIPART');
    const parts: { partNumber: number; etag: string }[] = [];
    for (const part of upload.parts as { partNumber: number; url: string }[]) {
      const put = await fetch(part.url, { method: 'PUT', body: new Uint8Array(10) });
      parts.push({ partNumber: part.partNumber, etag: put.headers.get('etag') ?? '' });
    }
    // Act: a part missing, then all of them
    const { uploadId } = upload;
    const missing = await api('POST', upload.completeWith, {
      token: admin,
      body: { uploadId, parts: parts.slice(1) },
    });
    const short = await api('POST', upload.completeWith, { token: admin, body: { uploadId, parts } });
    const failed = await until(created.json.import.id, ['failed', 'planned']);
    // Assess
    expect(missing.status, missing.text).toBe(400);
    expect(missing.json.errors).toEqual([{ path: 'body.parts', message: 'expected parts 1-2, each once' }]);
    expect(short.status, short.text).toBe(422);
    expect(short.json.detail).toMatch(/^The parts add up to (20|0) bytes, but 115343360 were announced/);
    expect(failed.failure.code).toBe('upload-size-mismatch');
    expect(await sourceKept(created.json.import.id)).toBe(false);
  });
});

/** Whether the import's upload is still in the uploads bucket. */
async function sourceKept(id: string): Promise<boolean> {
  const page = await s3Client().send(
    new ListObjectsV2Command({ Bucket: process.env.UPLOADS_BUCKET_NAME, Prefix: `imports/${id}/source` }),
  );
  return (page.KeyCount ?? 0) > 0;
}

async function departmentOf(name: string): Promise<string> {
  if (name === 'Sales EMEA') {
    const sales = await departmentIdByName('Sales');
    const children = await api('GET', `/departments?parentId=${sales}`, { token: admin });
    return children.json.items.find((department: { name: string }) => department.name === name).id;
  }
  return departmentIdByName(name);
}

describe('a team whose managers are at the end of a long file', () => {
  it('creates everyone with their manager, however far down the manager is, and undo removes them all', async () => {
    // Prepare: 148 people reporting to a team lead on the second-to-last line, who reports to the head on
    // the last: two chunks of the plan, and a chain of two managers further down the file
    const u = randomUUID().slice(0, 8);
    const email = (name: string) => `${name}.${u}@example.com`;
    const rows = Array.from(
      { length: 148 },
      (_, n) => `${email(`member${n}`)},Member,${n},Sales,${email('lead')}`,
    );
    const file = [
      'email,given_name,family_name,department,manager_email',
      ...rows,
      `${email('lead')},Lee,Lead,Sales,${email('head')}`,
      `${email('head')},Hana,Head,Sales,`,
    ].join('\n');

    // Act: upload, plan, apply
    const id = await upload(file, { type: 'people', format: 'lms' });
    expect(await until(id, ['planned', 'failed'])).toMatchObject({
      status: 'planned',
      counts: { create: 150 },
    });
    await api('POST', `/imports/${id}/apply`, { token: admin });
    const applied = await until(id, ['applied', 'failed']);

    // Assess: no one refused for a manager not written yet; each with their manager
    expect(applied).toMatchObject({ status: 'applied', applied: { done: 150, conflicts: 0 } });
    const head = await person(email('head'));
    const lead = await person(email('lead'));
    expect(lead?.managerId).toBe(head?.id);
    expect(head?.managerId).toBeNull();
    for (const n of [0, 73, 147]) expect((await person(email(`member${n}`)))?.managerId).toBe(lead?.id);

    // Act, then assess: undo removes all 150
    await api('POST', `/imports/${id}/undo`, { token: admin });
    expect(await until(id, ['undone', 'failed'])).toMatchObject({ undone: { restored: 150, refused: 0 } });
    for (const name of ['head', 'lead', 'member0', 'member147'])
      expect(await person(email(name))).toBeUndefined();
  });
});
