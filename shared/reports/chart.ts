/**
 * A report run's chart as SVG, drawn on the server (an email or a browser shows a picture, not a table): the
 * report's Vega-Lite unit spec with the run's rows as its data, compiled to Vega and rendered headless
 * (`renderer: 'none'`, no canvas, no DOM). The spec is the report's own; rows are data only, and the view
 * may load nothing (no URL, no file).
 */
import { loader, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { BusinessRuleError } from '../domain/errors.ts';
import type { ReportDefinition } from './definition.ts';
import type { ReportOutcome } from './engine.ts';

/** More rows than this make a picture nobody reads (and a slow render): the CSV is the answer then. */
export const CHART_MAX_ROWS = 5_000;

/** A view that fetches nothing: the data is inline, and a spec naming a URL is refused. */
const noLoading = Object.assign(loader(), {
  load: () => Promise.reject(new Error('A report chart loads nothing: its data is the run’s rows.')),
  sanitize: () => Promise.reject(new Error('A report chart loads nothing: its data is the run’s rows.')),
});

export async function reportChartSvg(
  report: Pick<ReportDefinition, 'name' | 'title' | 'chart'>,
  rows: ReportOutcome['rows'],
): Promise<string> {
  if (rows.length > CHART_MAX_ROWS)
    throw new BusinessRuleError(
      `The run of ${report.name} has ${rows.length} rows, more than the ${CHART_MAX_ROWS} a chart draws: download its CSV, or narrow the report.`,
    );
  const spec = {
    title: report.title,
    width: 640,
    ...report.chart,
    data: { values: rows },
  } as unknown as TopLevelSpec;
  const view = new View(parse(compile(spec).spec), { renderer: 'none', loader: noLoading });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
