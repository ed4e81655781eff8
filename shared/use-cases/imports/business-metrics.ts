/**
 * Planning a business metrics file. One pass, a window of rows at a time:
 *   read each row's cells (the format refuses a cell naming its column), find its department (by id, or by
 *   its path of names from the top, as the people import does), refuse a second row for the same department,
 *   metric and period (naming the first), read the figures the window names in one batch, and write one
 *   entry per row: create (a new figure), update (another value or unit: the import replaces it) or
 *   unchanged.
 */
import { type BusinessMetric, businessMetricKey } from '../../domain/business-metric.ts';
import { lmsBusinessMetrics } from '../../imports/business-metric-formats.ts';
import { KeySet } from '../../imports/key-set.ts';
import type { RowContext } from '../../imports/rows.ts';
import { departmentIndex, departmentOf, errorEntry, headerWarnings, inWindows, same } from './planning.ts';
import type { PlanContext, PlanDeps, PlanOutcome, StoredPlanEntry } from './ports.ts';

const TARGET = 'business-metric';

export async function planBusinessMetrics(deps: PlanDeps, context: PlanContext): Promise<PlanOutcome> {
  const { record } = context;
  const format = lmsBusinessMetrics;
  const rowContext: RowContext = { mode: record.mode, options: record.options };
  const departments = await departmentIndex(deps);
  const seen = new KeySet();
  const warnings: string[] = [];
  const now = deps.runtime.now().toISOString();
  await inWindows(
    context,
    TARGET,
    (columns) => warnings.push(...headerWarnings(format, columns)),
    async (rows) => {
      // Read and checked first, then the window's figures looked up at once, then the entries in row order.
      const read = rows.map((row) => ({ row, outcome: readFigure(row.fields, row.line) }));
      const figures = read.flatMap(({ outcome }) => ('figure' in outcome ? [outcome.figure] : []));
      const current = figures.length > 0 ? await deps.businessMetricBulk.current(figures) : new Map();
      for (const { row, outcome } of read) {
        if ('figure' in outcome)
          await context.add(
            figureEntry(
              record.fileName,
              row.line,
              outcome.figure,
              current.get(businessMetricKey(outcome.figure)),
            ),
          );
        else
          await context.add(
            errorEntry(record.fileName, row.line, outcome.column, outcome.reason, row.raw, TARGET),
          );
      }
    },
  );

  /** A row's figure, or the column and reason it is refused. */
  function readFigure(
    fields: ReadonlyMap<string, string>,
    line: number,
  ): { figure: BusinessMetric } | { column: string | null; reason: string } {
    const outcome = format.row(fields, rowContext);
    if (!outcome.ok) return outcome;
    const departmentId = departmentOf(outcome.value.department, departments);
    if (departmentId instanceof Error) return { column: 'department', reason: departmentId.message };
    if (!departmentId) return { column: 'department', reason: 'the department is required' };
    const { department: _named, ...cells } = outcome.value;
    const figure: BusinessMetric = {
      ...cells,
      departmentId,
      importId: record.id,
      importedAt: now,
      version: 1,
    };
    const first = seen.add(businessMetricKey(figure), line);
    if (first !== undefined)
      return {
        column: 'metric',
        reason: `${figure.metric} of this department for ${figure.periodStart} to ${figure.periodEnd} is on line ${first} already: one row per department, metric and period`,
      };
    return { figure };
  }
  return { scope: 0, warnings };
}

/** A figure's entry: created, its value or unit replaced, or unchanged. */
function figureEntry(
  file: string,
  line: number,
  figure: BusinessMetric,
  before: BusinessMetric | undefined,
): Omit<StoredPlanEntry, 'seq'> {
  const entry = {
    file,
    line,
    target: { kind: TARGET, id: figure.departmentId, key: businessMetricKey(figure) },
  };
  if (before && same(before.value, figure.value) && before.unit === figure.unit)
    return { ...entry, action: 'unchanged', diffs: {} };
  const after: BusinessMetric = { ...figure, version: (before?.version ?? 0) + 1 };
  const diffs: StoredPlanEntry['diffs'] = {};
  for (const field of ['value', 'unit'] as const)
    if (!before || before[field] !== after[field])
      diffs[field] = { from: before?.[field] ?? null, to: after[field] };
  return {
    ...entry,
    action: before ? 'update' : 'create',
    diffs,
    write: { op: 'business-metric', before: before ?? null, after },
  };
}
