/** The analytics export: request a run, list the runs with their counts. */
import { ExportRun } from '../analytics/export-run.ts';
import { PageQuery, pageOf } from '../domain/common.ts';
import { Job } from '../domain/job.ts';
import { defineRoute } from '../http/route.ts';

export const createExport = defineRoute({
  id: 'createExport',
  method: 'POST',
  path: '/exports',
  handler: 'functions/exports/create-export.ts',
  summary:
    'Export the LMS to the analytics bucket now (Parquet per entity, partitioned by day, with a manifest); it also runs daily. 409 while a run is queued or under way',
  tag: 'Exports',
  access: { roles: ['admin'] },
  request: {},
  response: { status: 202, description: 'The run, queued: follow it with GET /jobs/{id}', body: Job },
  needs: { table: 'write', queues: { exports: 'send' } },
});

export const listExports = defineRoute({
  id: 'listExports',
  method: 'GET',
  path: '/exports',
  handler: 'functions/exports/list-exports.ts',
  summary:
    'The analytics export runs, newest first, with the row counts their manifests hold (read from their job records)',
  tag: 'Exports',
  access: { roles: ['admin'] },
  request: { query: PageQuery },
  response: { status: 200, description: 'A page of export runs', body: pageOf(ExportRun) },
  needs: { table: 'read' },
});

export const exportRoutes = [createExport, listExports] as const;
