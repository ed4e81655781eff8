/**
 * Backup routes: take a logical backup, list and show backups, restore one (into a new table, or in place
 * with a typed confirmation), drill one, and the backups' status. Administrators only: a backup holds every
 * person's data.
 */
import * as z from 'zod';
import { Backup, BackupDetail, BackupParams, BackupStatus, RestoreBody } from '../domain/backup.ts';
import { PageQuery, pageOf } from '../domain/common.ts';
import { Job } from '../domain/job.ts';
import { defineRoute } from '../http/route.ts';

const ACCESS = { roles: ['admin'] } as const;

export const CreateBackupBody = z
  .strictObject({
    /** Parallel Scan segments (one file each). @default 8 */
    segments: z.number().int().min(1).max(64).optional(),
  })
  .meta({ id: 'CreateBackupRequest' });

export const createBackup = defineRoute({
  id: 'createBackup',
  method: 'POST',
  path: '/backups',
  handler: 'functions/backups/create-backup.ts',
  summary:
    'Take a logical backup now: every item of the table (gzip NDJSON per Scan segment), the content inventory and a manifest with SHA-256s; 409 while one is under way',
  tag: 'Backups',
  access: ACCESS,
  request: { body: CreateBackupBody.optional() },
  response: { status: 202, description: 'The backup run, queued (follow it at Location)', body: Job },
  // The run (with its lock and audit record), handed to the backups worker.
  needs: { table: 'write', queues: { backups: 'send' } },
});

export const listBackups = defineRoute({
  id: 'listBackups',
  method: 'GET',
  path: '/backups',
  handler: 'functions/backups/list-backups.ts',
  summary: 'Backups, newest first: status (complete only with its manifest), counts, totals, size',
  tag: 'Backups',
  access: ACCESS,
  request: { query: PageQuery },
  response: { status: 200, description: 'A page of backups', body: pageOf(Backup) },
  needs: { table: 'read' },
});

export const getBackupStatus = defineRoute({
  id: 'getBackupStatus',
  method: 'GET',
  path: '/backups/status',
  handler: 'functions/backups/get-backup-status.ts',
  summary:
    'The age of the last complete backup and the result of the last restore drill; healthy when the backup is younger than 26 h and the drill found no difference',
  tag: 'Backups',
  access: ACCESS,
  request: {},
  response: { status: 200, description: 'The status', body: BackupStatus },
  needs: { table: 'read' },
});

export const getBackup = defineRoute({
  id: 'getBackup',
  method: 'GET',
  path: '/backups/{id}',
  handler: 'functions/backups/get-backup.ts',
  summary: 'A backup, with its manifest when complete (files, SHA-256s, counts per entity type)',
  tag: 'Backups',
  access: ACCESS,
  request: { params: BackupParams },
  response: { status: 200, description: 'The backup', body: BackupDetail },
  needs: { table: 'read', buckets: { backups: { access: 'read', prefix: 'logical/' } } },
});

export const restoreBackup = defineRoute({
  id: 'restoreBackup',
  method: 'POST',
  path: '/backups/{id}/restore',
  handler: 'functions/backups/restore-backup.ts',
  summary:
    'Restore a complete backup into a new table, or in place (confirm: "restore <id> in place"; a backup of the current state is taken first); every file is checked against its SHA-256 first',
  tag: 'Backups',
  access: ACCESS,
  request: { params: BackupParams, body: RestoreBody },
  response: { status: 202, description: 'The restore run, queued (follow it at Location)', body: Job },
  needs: { table: 'write', queues: { restores: 'send' } },
});

export const drillBackup = defineRoute({
  id: 'drillBackup',
  method: 'POST',
  path: '/backups/{id}/drill',
  handler: 'functions/backups/drill-backup.ts',
  summary:
    'Restore drill: restore the backup into a scratch table, compare it item by item, drop the table; the run reports { items, differences, byType }',
  tag: 'Backups',
  access: ACCESS,
  request: { params: BackupParams },
  response: { status: 202, description: 'The drill run, queued (follow it at Location)', body: Job },
  needs: { table: 'write', queues: { restores: 'send' } },
});

export const backupRoutes = [
  createBackup,
  listBackups,
  getBackupStatus,
  getBackup,
  restoreBackup,
  drillBackup,
] as const;
