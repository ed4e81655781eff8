/** The report catalog: every report, by name (`GET /reports`, `POST /reports/{name}/runs`). */
import { completionReport } from './catalog/completion.ts';
import { complianceReport } from './catalog/compliance.ts';
import { contentHealthReport } from './catalog/content-health.ts';
import { engagementReport } from './catalog/engagement.ts';
import { enrollmentFunnelReport } from './catalog/enrollment-funnel.ts';
import { jobHistoryReport } from './catalog/job-history.ts';
import { loadTimesReport } from './catalog/load-times.ts';
import { overdueReport } from './catalog/overdue.ts';
import { roiBusinessMetricsReport } from './catalog/roi-business-metrics.ts';
import { signInsReport } from './catalog/sign-ins.ts';
import { trainingRoiReport } from './catalog/training-roi.ts';
import { transcriptReport } from './catalog/transcript.ts';
import type { ReportDefinition } from './definition.ts';

export const REPORTS: readonly ReportDefinition[] = [
  completionReport,
  complianceReport,
  overdueReport,
  transcriptReport,
  enrollmentFunnelReport,
  trainingRoiReport,
  roiBusinessMetricsReport,
  engagementReport,
  loadTimesReport,
  contentHealthReport,
  jobHistoryReport,
  signInsReport,
];

export function findReport(name: string): ReportDefinition | undefined {
  return REPORTS.find((report) => report.name === name);
}
