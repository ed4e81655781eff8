/**
 * STAND-IN for the runs-api branch's `shared/use-cases/reports.ts`, which replaces this file whole at the
 * merge. It holds only `requestReportRun`, to the contract of issue 15 (i15-common.md), so that the report
 * schedules' tick compiles and requests real runs on this branch: a queued job of kind `report` on the
 * `reports` queue whose input holds `report`, `params`, `format`, `scope`, `requestedBy` and `scheduleId`.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError, NotFoundError, OutOfScopeError } from '../domain/errors.ts';
import type { Job } from '../domain/job.ts';
import { actsOrganisationWide, type Principal } from '../domain/principal.ts';
import { findReport } from '../reports/catalog.ts';
import { accessScope, type ScopeDeps } from './access-scope.ts';
import { type JobRunPorts, type RunQueue, requestJobRun } from './job-runs.ts';

export type ReportRunPorts = JobRunPorts & ScopeDeps & { readonly queue: RunQueue };

export async function requestReportRun(
  ports: ReportRunPorts,
  principal: Principal,
  name: string,
  body: { params: Record<string, unknown>; format: 'json' | 'csv' },
  origin?: { scheduleId: string },
): Promise<Job> {
  const report = findReport(name);
  if (!report) throw new NotFoundError('report', name);
  if (!actsOrganisationWide(principal) && !report.roles.some((role) => principal.roles.includes(role)))
    throw new OutOfScopeError(`You may not run the report ${name}.`);
  const parsed = report.params.safeParse(body.params);
  if (!parsed.success)
    throw new InvalidInputError(
      `The parameters do not fit the report ${name}.`,
      parsed.error.issues.map((issue) => ({
        path: ['params', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  const scope = await accessScope(principal, ports);
  const requestedBy = principal.userId ?? principal.sub;
  const lock = createHash('sha256')
    .update(JSON.stringify([name, requestedBy, parsed.data]))
    .digest('hex')
    .slice(0, 32);
  return requestJobRun(
    ports,
    { principal, requestId: `report:${origin?.scheduleId ?? name}` },
    {
      type: 'report',
      lock: `report:${lock}`,
      audited: true,
      input: {
        report: name,
        params: parsed.data,
        format: body.format,
        scope:
          scope.kind === 'everything'
            ? scope
            : { kind: 'limited', departmentIds: [...scope.departmentIds], selfId: scope.selfId ?? null },
        requestedBy,
        ...(origin ? { scheduleId: origin.scheduleId } : {}),
      },
    },
  );
}
