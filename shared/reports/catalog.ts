/** The report catalog: every report, by name (`GET /reports`, `POST /reports/{name}/runs`). */
import { completionReport } from './catalog/completion.ts';
import { contentHealthReport } from './catalog/content-health.ts';
import { engagementReport } from './catalog/engagement.ts';
import { jobHistoryReport } from './catalog/job-history.ts';
import { loadTimesReport } from './catalog/load-times.ts';
import { signInsReport } from './catalog/sign-ins.ts';
import type { ReportDefinition } from './definition.ts';

export const REPORTS: readonly ReportDefinition[] = [
  completionReport,
  engagementReport,
  loadTimesReport,
  contentHealthReport,
  jobHistoryReport,
  signInsReport,
];

export function findReport(name: string): ReportDefinition | undefined {
  return REPORTS.find((report) => report.name === name);
}
