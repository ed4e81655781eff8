/** The report catalog: every report, by name (`GET /reports`, `POST /reports/{name}/runs`). */
import { completionReport } from './catalog/completion.ts';
import { roiBusinessMetricsReport } from './catalog/roi-business-metrics.ts';
import { trainingRoiReport } from './catalog/training-roi.ts';
import type { ReportDefinition } from './definition.ts';

export const REPORTS: readonly ReportDefinition[] = [
  completionReport,
  trainingRoiReport,
  roiBusinessMetricsReport,
];

export function findReport(name: string): ReportDefinition | undefined {
  return REPORTS.find((report) => report.name === name);
}
