/**
 * The import's requests, in the order an administrator makes them: ask for an upload (the upload's S3 event
 * starts planning), read the import and its plan, download the rejected rows, apply (approving first when the
 * plan takes a lot away), undo.
 */
import { ConflictError, InvalidInputError, NotFoundError, OutOfScopeError } from '../../domain/errors.ts';
import {
  type CreateImportInput,
  emptyCounts,
  type Import,
  ImportOptions,
  type PlanAction,
  type PlanEntry,
} from '../../domain/import.ts';
import { type Actor, actorId } from '../../domain/principal.ts';
import { auditChange } from '../context.ts';
import type { Page, PageRequest, Runtime } from '../ports.ts';
import { completeUpload, offerUpload } from '../uploads.ts';
import type { ImportFiles, ImportRecord, ImportRepository, PlanStream } from './ports.ts';

export interface ImportRequestDeps {
  imports: ImportRepository;
  files: ImportFiles;
  /** Starts apply or undo in the background (a queue in AWS, in-process locally). */
  work: ImportWork;
  runtime: Runtime;
}

export interface ImportWork {
  start(importId: string, step: 'apply' | 'undo'): Promise<void>;
}

const ERRORS_URL_SECONDS = 300;
/** Entries per stored part of a plan stream. */
export const PLAN_PART_ENTRIES = 500;

/**
 * Steps: a machine client imports what its scopes write -> record the import (`uploading`) -> presign the
 * upload (in parts above 100 MB).
 */
/** A new import, waiting for its upload: nothing planned, counted or decided yet. */
export function newImport(
  id: string,
  input: CreateImportInput,
  createdBy: string,
  now: string,
): ImportRecord {
  return {
    id,
    type: input.type,
    format: input.format,
    mode: input.mode,
    fileName: input.fileName,
    sizeBytes: input.sizeBytes,
    options: ImportOptions.parse(input.options ?? {}),
    status: 'uploading',
    createdBy,
    createdAt: now,
    updatedAt: now,
    rows: 0,
    counts: emptyCounts(),
    progress: { step: 'waiting-for-upload', done: 0, total: 0 },
    warnings: [],
    approval: { required: false, reason: null, approvedBy: null, approvedAt: null, note: null },
    applied: null,
    undone: null,
    failure: null,
    version: 1,
    plan: null,
    checkpoint: 0,
    lease: null,
    waited: 0,
  };
}

export async function requestImport(deps: ImportRequestDeps, actor: Actor, input: CreateImportInput) {
  assertScopeCovers(actor, input.type);
  const now = deps.runtime.now();
  const record = newImport(deps.runtime.newId(), input, actorId(actor.principal), now.toISOString());
  await deps.imports.create(record, audit(deps, actor, 'import.requested', null, record));
  const upload = await offerUpload(
    deps.files,
    record.id,
    input.sizeBytes,
    `/imports/${record.id}/upload/complete`,
    now,
  );
  return { import: view(record), upload };
}

/**
 * The route admits machine clients with `lms/users.write` (HR feeds of people); enrollments and their
 * completions are also `lms/enrollments.write`'s to change, as through the enrollment routes. Courses and
 * departments are no machine client's to write (their routes admit none), so only administrators import
 * them: courses files, and Canvas SIS zips (which create both); so are business metrics.
 */
function assertScopeCovers(actor: Actor, type: CreateImportInput['type']): void {
  const { client } = actor.principal;
  if (client && type === 'courses')
    throw new OutOfScopeError(
      'Importing courses is for administrators: no machine-client scope writes courses, as the course routes admit none.',
    );
  if (client && type === 'canvas-sis')
    throw new OutOfScopeError(
      'Importing a Canvas SIS zip is for administrators: it creates courses and departments, which no machine-client scope writes.',
    );
  if (client && type === 'business-metrics')
    throw new OutOfScopeError(
      'Importing business metrics is for administrators: they feed the ROI reports, and no machine-client scope writes them.',
    );
  if (
    client &&
    (type === 'enrollments' || type === 'completions') &&
    !client.scopes.includes('lms/enrollments.write')
  )
    throw new OutOfScopeError(`Importing ${type} needs the lms/enrollments.write scope as well.`);
}

/**
 * A people import may enroll too (Moodle's course columns): applying or undoing one that writes enrollments
 * needs `lms/enrollments.write` as well, as an enrollments import does. Such a plan enrolls or withdraws, or
 * updates an enrollment's due date (looked for in the plan's updates, a part at a time, only then).
 */
async function assertMayWriteEnrollments(
  deps: ImportRequestDeps,
  actor: Actor,
  record: ImportRecord,
): Promise<void> {
  const { client } = actor.principal;
  if (!client || record.type !== 'people' || client.scopes.includes('lms/enrollments.write')) return;
  const refuse = () => {
    throw new OutOfScopeError(
      'This people import enrolls people in courses (its course columns): it needs the lms/enrollments.write scope as well.',
    );
  };
  if (record.counts.enroll > 0 || record.counts.withdraw > 0) refuse();
  for (let part = 0; part < (record.plan?.parts.update ?? 0); part++)
    if ((await deps.files.planPart(record.id, 'update', part)).some((e) => e.target.kind === 'enrollment'))
      refuse();
}

/** Steps: the import is still waiting for its upload -> S3 assembles the parts (their total checked). */
export async function completeImportUpload(
  deps: ImportRequestDeps,
  actor: Actor,
  importId: string,
  input: { uploadId: string; parts: readonly { partNumber: number; etag: string }[] },
): Promise<Import> {
  const record = await mine(deps, actor, importId);
  if (record.status !== 'uploading')
    throw new ConflictError(`The import is ${record.status}: its upload is complete already.`);
  // s3rver assembles any parts; the plan step fails an upload of another size (and deletes it).
  await completeUpload(
    deps.files,
    importId,
    input.uploadId,
    input.parts,
    record.sizeBytes,
    'the import fails: start a new one.',
  );
  return view(record);
}

export async function getImport(deps: Pick<ImportRequestDeps, 'imports'>, actor: Actor, id: string) {
  return view(await mine(deps, actor, id));
}

export async function listImports(
  deps: Pick<ImportRequestDeps, 'imports'>,
  page: PageRequest,
): Promise<Page<Import>> {
  const result = await deps.imports.list(page);
  return { items: result.items.map(view), nextCursor: result.nextCursor };
}

/**
 * A page of the plan, in row order (or one action's entries). The cursor is the position in the plan's
 * stream, so pages never shift while the plan is read.
 */
export async function planPage(
  deps: Pick<ImportRequestDeps, 'imports' | 'files'>,
  actor: Actor,
  id: string,
  query: { action?: PlanAction | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<PlanEntry>> {
  const record = await mine(deps, actor, id);
  if (!record.plan) throw new ConflictError(`The import is ${record.status}: it has no plan yet.`);
  const stream: PlanStream = query.action ?? 'all';
  const total = stream === 'all' ? record.plan.entries : record.counts[stream];
  let position = decodePosition(query.cursor);
  const items: PlanEntry[] = [];
  while (items.length < query.limit && position < total) {
    const entries = await deps.files.planPart(id, stream, Math.floor(position / PLAN_PART_ENTRIES));
    const offset = position % PLAN_PART_ENTRIES;
    const taken = entries.slice(offset, offset + query.limit - items.length);
    if (taken.length === 0) break;
    items.push(...taken.map(publicEntry));
    position += taken.length;
  }
  return { items, nextCursor: position < total ? encodePosition(position) : null };
}

/** A short-lived link to errors.csv (the rejected rows, with line and reason). */
export async function errorsDownload(
  deps: Pick<ImportRequestDeps, 'imports' | 'files'>,
  actor: Actor,
  id: string,
): Promise<{ url: string; expiresAt: string; rows: number }> {
  const record = await mine(deps, actor, id);
  if (!record.plan) throw new ConflictError(`The import is ${record.status}: it has no plan yet.`);
  const url = await deps.files.errorsUrl(id, ERRORS_URL_SECONDS);
  const expiresAt = new Date(Date.now() + ERRORS_URL_SECONDS * 1000).toISOString();
  return { url, expiresAt, rows: record.counts.error };
}

/**
 * Steps: the plan is ready -> a plan that takes a lot away waits for an approval with a reason
 * (`awaiting-approval`) -> `applying`, and the apply runs in the background.
 */
export async function requestApply(
  deps: ImportRequestDeps,
  actor: Actor,
  id: string,
  input: { approve?: true | undefined; reason?: string | undefined },
): Promise<Import> {
  const record = await mine(deps, actor, id);
  if (record.status !== 'planned' && record.status !== 'awaiting-approval')
    throw new ConflictError(
      record.status === 'applying' || record.status === 'applied'
        ? `The import is ${record.status} already.`
        : `The import is ${record.status}: only a planned import applies.`,
    );
  await assertMayWriteEnrollments(deps, actor, record);
  const now = deps.runtime.now().toISOString();
  if (record.approval.required && !input.approve) {
    if (record.status === 'awaiting-approval') return view(record);
    const waiting: ImportRecord = {
      ...record,
      status: 'awaiting-approval',
      updatedAt: now,
      version: record.version + 1,
    };
    await deps.imports.save(
      waiting,
      record.version,
      audit(deps, actor, 'import.approval-requested', record, waiting),
    );
    return view(waiting);
  }
  const approval = input.approve
    ? {
        ...record.approval,
        approvedBy: actorId(actor.principal),
        approvedAt: now,
        note: input.reason ?? null,
      }
    : record.approval;
  const applying: ImportRecord = {
    ...record,
    status: 'applying',
    approval,
    progress: { step: 'applying', done: 0, total: record.plan?.entries ?? 0 },
    updatedAt: now,
    version: record.version + 1,
  };
  await deps.imports.save(
    applying,
    record.version,
    audit(deps, actor, input.approve ? 'import.approved' : 'import.apply-requested', record, applying),
  );
  await deps.work.start(id, 'apply');
  return view(applying);
}

/** Steps: the import was applied -> `undoing`, and the undo runs in the background. */
export async function requestUndo(deps: ImportRequestDeps, actor: Actor, id: string): Promise<Import> {
  const record = await mine(deps, actor, id);
  if (record.status !== 'applied')
    throw new ConflictError(`The import is ${record.status}: only an applied import can be undone.`);
  await assertMayWriteEnrollments(deps, actor, record);
  const now = deps.runtime.now().toISOString();
  const undoing: ImportRecord = {
    ...record,
    status: 'undoing',
    checkpoint: 0,
    progress: { step: 'undoing', done: 0, total: record.applied?.done ?? 0 },
    updatedAt: now,
    version: record.version + 1,
  };
  await deps.imports.save(
    undoing,
    record.version,
    audit(deps, actor, 'import.undo-requested', record, undoing),
  );
  await deps.work.start(id, 'undo');
  return view(undoing);
}

/** The API's view of an import: what the steps keep for themselves stays in. */
export function view(record: ImportRecord): Import {
  const { plan: _plan, checkpoint: _checkpoint, lease: _lease, ...rest } = record;
  return rest;
}

/** The entry as the API shows it: without the raw row and the write. */
function publicEntry(entry: PlanEntry & { raw?: unknown; write?: unknown }): PlanEntry {
  const { raw: _raw, write: _write, ...rest } = entry;
  return rest;
}

/** Imports are an administrator's tool: they see every import (the route admits admins only). */
async function mine(
  deps: Pick<ImportRequestDeps, 'imports'>,
  _actor: Actor,
  id: string,
): Promise<ImportRecord> {
  const record = await deps.imports.get(id);
  if (!record) throw new NotFoundError('import', id);
  return record;
}

function encodePosition(position: number): string {
  return Buffer.from(`p${position}`).toString('base64url');
}

function decodePosition(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^p(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1])
    throw new InvalidInputError('This cursor was not issued for this plan.', [
      { path: 'query.cursor', message: 'not a plan cursor' },
    ]);
  return Number(match[1]);
}

export function audit(
  deps: Pick<ImportRequestDeps, 'runtime'>,
  actor: Actor,
  action: string,
  before: ImportRecord | null,
  after: ImportRecord,
) {
  return auditChange(deps.runtime, actor, action, `import:${after.id}`, before && view(before), view(after));
}
