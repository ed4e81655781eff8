/**
 * Reconciliation (`GET /reports/reconcile?entity=`): the latest analytics export's counts beside the live
 * table's, per department (people) or per course (enrollments, completions), with the cause of each
 * difference named: a change after the export, an erased person, an archived course, or a report filter.
 */
import * as z from 'zod';
import { IsoDateTime } from './common.ts';

export const RECONCILED_ENTITIES = ['people', 'enrollments', 'completions'] as const;
export const ReconciledEntity = z.enum(RECONCILED_ENTITIES);
export type ReconciledEntity = z.infer<typeof ReconciledEntity>;

export const ReconcileQuery = z.strictObject({
  entity: ReconciledEntity.describe(
    'What to count: people per department, enrollments or completions per course',
  ),
});

export const DifferenceCause = z.enum(['changed-after-export', 'erased', 'archived-course', 'unexplained']);

export const ReconciledGroup = z.object({
  /** The department (people) or course (enrollments, completions); null: people in no department. */
  groupId: z.string().nullable(),
  name: z.string().nullable(),
  exported: z.number().int(),
  live: z.number().int(),
  /** live - exported. */
  difference: z.number().int(),
  causes: z.array(
    z.object({
      cause: DifferenceCause,
      /** What happened: `created`, `moved in`, `moved out`, `enrolled`, `completed`, `removed`... */
      change: z.string(),
      /** How many rows it moves (+ into the live count, - out of it). */
      count: z.number().int(),
      /** Up to 5 of the people (ids) it concerns. */
      examples: z.array(z.string()),
    }),
  ),
});

export const Reconciliation = z
  .object({
    entity: ReconciledEntity,
    groupedBy: z.enum(['department', 'course']),
    exportRunId: z.string(),
    exportedAt: IsoDateTime.describe('When the export read the table: the report data is as of then'),
    totals: z.object({ exported: z.number().int(), live: z.number().int(), difference: z.number().int() }),
    /** Items the export left out on purpose (`erased` people), from its manifest. */
    omitted: z.record(z.string(), z.number().int()),
    /** Only the groups whose counts differ. */
    differences: z.array(ReconciledGroup),
    /** Rows the export holds that reports leave out by a filter (suspended people, withdrawn enrollments). */
    filters: z.array(z.object({ filter: z.string(), rows: z.number().int(), detail: z.string() })),
  })
  .meta({ id: 'Reconciliation' });
export type Reconciliation = z.infer<typeof Reconciliation>;
export type ReconciledGroup = z.infer<typeof ReconciledGroup>;
