/** Reconciliation: why a report's figure and a page's differ. */
import { ReconcileQuery, Reconciliation } from '../domain/reconciliation.ts';
import { defineRoute } from '../http/route.ts';

export const reconcileReports = defineRoute({
  id: 'reconcileReports',
  method: 'GET',
  path: '/reports/reconcile',
  handler: 'functions/reconcile/reconcile-reports.ts',
  summary:
    "Compare the latest analytics export's counts with the live table's, per department (people) or course (enrollments, completions), and name each difference's cause: a change after the export, an erased person, an archived course, a report filter",
  tag: 'Reports',
  access: { roles: ['admin'] },
  request: { query: ReconcileQuery },
  response: { status: 200, description: 'The differences and their causes', body: Reconciliation },
  // Reads the export's manifest and files (the report engine) and the live table.
  needs: { table: 'read', buckets: { analytics: 'read' }, reportQueries: true },
  timeoutSeconds: 29,
});
