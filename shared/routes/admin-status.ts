/** The administrators' status page: the platform's state in one answer. */
import { AdminStatus } from '../domain/admin-status.ts';
import { defineRoute } from '../http/route.ts';

export const getAdminStatus = defineRoute({
  id: 'getAdminStatus',
  method: 'GET',
  path: '/admin/status',
  handler: 'functions/system/get-admin-status.ts',
  summary:
    'The platform at a glance: health, job failures in the last 24 h, backup age and the last drill, the slowest courses (load-time p95 over 7 days), the API error rate over the last hour',
  tag: 'Platform',
  access: { roles: ['admin'] },
  request: {},
  response: { status: 200, description: 'The status (also when a dependency is down)', body: AdminStatus },
  // The probes of /health; runs, courses and attempts (Query); the API's metrics in AWS.
  needs: {
    table: 'read',
    buckets: { uploads: 'list', content: 'list', backups: 'list', analytics: 'list' },
    userPool: 'describe',
    apiMetrics: true,
  },
});
