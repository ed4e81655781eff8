/** Import routes: upload a file, read its plan and rejected rows, apply (approved when it must be), undo. */
import * as z from 'zod';
import { IsoDateTime, pageOf } from '../domain/common.ts';
import { CompleteUploadBody, PresignedUpload } from '../domain/content.ts';
import {
  ApplyImportBody,
  CreateImportBody,
  Import,
  ImportParams,
  ImportPlanQuery,
  ListImportsQuery,
  PlanEntry,
} from '../domain/import.ts';
import { defineRoute } from '../http/route.ts';

/** Imports change people, enrollments and the catalog in bulk: administrators, and HR systems (people). */
const ACCESS = { roles: ['admin'], scopes: ['lms/users.write'] } as const;

const ImportUpload = z.object({ import: Import, upload: PresignedUpload }).meta({ id: 'ImportUpload' });

export const createImport = defineRoute({
  id: 'createImport',
  method: 'POST',
  path: '/imports',
  handler: 'functions/imports/create-import.ts',
  summary:
    'Start an import (people, enrollments, courses, completions; our format, Moodle or Canvas): returns the presigned upload; the upload starts planning',
  tag: 'Imports',
  access: ACCESS,
  request: { body: CreateImportBody, idempotent: true },
  response: {
    status: 202,
    description: 'Upload the file as told; planning starts when it lands',
    body: ImportUpload,
  },
  needs: { table: 'write', buckets: { uploads: { access: 'upload', prefix: 'imports/' } } },
});

export const completeImportUpload = defineRoute({
  id: 'completeImportUpload',
  method: 'POST',
  path: '/imports/{id}/upload/complete',
  handler: 'functions/imports/complete-import-upload.ts',
  summary: 'Finish a multipart import upload with the ETags of its parts',
  tag: 'Imports',
  access: ACCESS,
  request: {
    params: ImportParams,
    body: CompleteUploadBody.extend({ uploadId: z.string().min(1).max(1024) }),
  },
  response: { status: 202, description: 'Assembled; planning starts', body: Import },
  needs: { table: 'read', buckets: { uploads: { access: 'upload', prefix: 'imports/' } } },
});

export const listImports = defineRoute({
  id: 'listImports',
  method: 'GET',
  path: '/imports',
  handler: 'functions/imports/list-imports.ts',
  summary: 'Imports, newest first',
  tag: 'Imports',
  access: ACCESS,
  request: { query: ListImportsQuery },
  response: { status: 200, description: 'A page of imports', body: pageOf(Import) },
  needs: { table: 'read' },
});

export const getImport = defineRoute({
  id: 'getImport',
  method: 'GET',
  path: '/imports/{id}',
  handler: 'functions/imports/get-import.ts',
  summary:
    'An import: its status, counts per action, progress, warnings, approval, and what apply and undo did',
  tag: 'Imports',
  access: ACCESS,
  request: { params: ImportParams },
  response: { status: 200, description: 'The import; ETag carries the version', body: Import },
  needs: { table: 'read' },
});

export const getImportPlan = defineRoute({
  id: 'getImportPlan',
  method: 'GET',
  path: '/imports/{id}/plan',
  handler: 'functions/imports/get-import-plan.ts',
  summary:
    'The plan, one entry per row (and per person a sync suspends): file, line, action, target and field diffs; errors with their column and reason',
  tag: 'Imports',
  access: ACCESS,
  request: { params: ImportParams, query: ImportPlanQuery },
  response: { status: 200, description: 'A page of the plan, in row order', body: pageOf(PlanEntry) },
  needs: { table: 'read', buckets: { uploads: { access: 'read', prefix: 'imports/' } } },
});

export const getImportErrors = defineRoute({
  id: 'getImportErrors',
  method: 'GET',
  path: '/imports/{id}/errors.csv',
  handler: 'functions/imports/get-import-errors.ts',
  summary:
    'The rejected rows as CSV, with file, line, column and reason: a redirect to a short-lived download (cells that could run as formulas are neutralised)',
  tag: 'Imports',
  access: ACCESS,
  request: { params: ImportParams },
  response: {
    status: 303,
    description: 'See the Location header (also in the body)',
    body: z.object({ url: z.string(), expiresAt: IsoDateTime, rows: z.number().int() }),
  },
  // Signs a GetObject of imports/<id>/errors.csv.
  needs: { table: 'read', buckets: { uploads: { access: 'read', prefix: 'imports/' } } },
});

export const applyImport = defineRoute({
  id: 'applyImport',
  method: 'POST',
  path: '/imports/{id}/apply',
  handler: 'functions/imports/apply-import.ts',
  summary:
    'Apply the plan; one that suspends or withdraws more than the threshold waits for { "approve": true, "reason" }',
  tag: 'Imports',
  access: ACCESS,
  request: { params: ImportParams, body: ApplyImportBody.optional() },
  response: { status: 202, description: 'Applying (or awaiting approval)', body: Import },
  needs: { table: 'write', queues: { imports: 'send' } },
});

export const undoImport = defineRoute({
  id: 'undoImport',
  method: 'POST',
  path: '/imports/{id}/undo',
  handler: 'functions/imports/undo-import.ts',
  summary:
    'Undo an applied import: every record it changed goes back, unless changed since (those are listed)',
  tag: 'Imports',
  access: ACCESS,
  request: { params: ImportParams },
  response: { status: 202, description: 'Undoing', body: Import },
  needs: { table: 'write', queues: { imports: 'send' } },
});

export const importRoutes = [
  createImport,
  completeImportUpload,
  listImports,
  getImport,
  getImportPlan,
  getImportErrors,
  applyImport,
  undoImport,
] as const;
