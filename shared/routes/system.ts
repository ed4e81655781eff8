/** Platform routes: health, the API description, the audit trail. */

import { AuditRecord, ListAuditQuery } from '../domain/audit.ts';
import { pageOf } from '../domain/common.ts';
import { HealthDetail, HealthReport } from '../domain/health.ts';
import { defineRoute } from '../http/route.ts';

export const getHealth = defineRoute({
  id: 'getHealth',
  method: 'GET',
  path: '/health',
  handler: 'functions/system/get-health.ts',
  summary: 'Health of each dependency (table, buckets, user pool); 503 when one is down',
  tag: 'Platform',
  access: { public: true },
  request: {},
  response: {
    status: 200,
    description: 'Every dependency is up (503 with the same body when not)',
    body: HealthReport,
  },
  // Probes only: DescribeTable, HeadBucket (ListBucket), DescribeUserPool.
  needs: {
    table: 'describe',
    buckets: { uploads: 'list', content: 'list', backups: 'list', analytics: 'list' },
    userPool: 'describe',
  },
});

/**
 * `/health` is public (no authorizer runs on it, so it cannot tell an admin): its detail for administrators is
 * a route of its own.
 */
export const getHealthDetail = defineRoute({
  id: 'getHealthDetail',
  method: 'GET',
  path: '/health/detail',
  handler: 'functions/system/get-health-detail.ts',
  summary:
    "Administrators' health: every dependency as /health reports it, and the backups' status (the last good backup's age, the last drill's result); 503 when a dependency is down",
  tag: 'Platform',
  access: { roles: ['admin'] },
  request: {},
  response: {
    status: 200,
    description: 'Every dependency is up (503 with the same body when not)',
    body: HealthDetail,
  },
  // The probes of /health, and the backup and drill runs (Query).
  needs: {
    table: 'read',
    buckets: { uploads: 'list', content: 'list', backups: 'list', analytics: 'list' },
    userPool: 'describe',
  },
});

export const getOpenApi = defineRoute({
  id: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  handler: 'functions/system/get-openapi.ts',
  summary: 'This API as an OpenAPI 3.1 document, generated from the route manifest',
  tag: 'Platform',
  access: { public: true },
  request: {},
  response: { status: 200, description: 'OpenAPI 3.1 document' },
  needs: {},
});

export const listAudit = defineRoute({
  id: 'listAudit',
  method: 'GET',
  path: '/audit',
  handler: 'functions/audit/list-audit.ts',
  summary: 'The audit trail of one target (for example user:<id>), newest first',
  tag: 'Platform',
  access: { roles: ['admin'] },
  request: { query: ListAuditQuery },
  response: { status: 200, description: 'A page of audit records', body: pageOf(AuditRecord) },
  needs: { table: 'read' },
});
