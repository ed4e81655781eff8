/**
 * The API's answers over a period, for GET /admin/status: API Gateway's own metrics in CloudWatch (AWS), or
 * the local gateway's request log (one machine).
 */
import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { requestCounts } from '../http/request-log.ts';
import type { ApiRequestStats } from '../use-cases/admin-status.ts';

/** API Gateway's metrics of each count, by the id the query gives it. */
const API_METRICS = { requests: 'Count', clientErrors: '4XXError', serverErrors: '5XXError' } as const;

/** Sums of the REST API's Count, 4XXError and 5XXError over the period (one GetMetricData, one datapoint each). */
export class CloudWatchApiRequestStats implements ApiRequestStats {
  readonly source = 'cloudwatch' as const;

  constructor(
    private readonly client: CloudWatchClient,
    private readonly apiName: string,
  ) {}

  async counts(since: Date, until: Date) {
    // One period covering the whole span (CloudWatch wants a multiple of 60 seconds).
    const period = Math.max(60, Math.ceil((until.getTime() - since.getTime()) / 60_000) * 60);
    const sums = { requests: 0, clientErrors: 0, serverErrors: 0 };
    let nextToken: string | undefined;
    do {
      const answer = await this.client.send(
        new GetMetricDataCommand({
          StartTime: since,
          EndTime: until,
          NextToken: nextToken,
          MetricDataQueries: Object.entries(API_METRICS).map(([id, metricName]) => ({
            Id: id,
            MetricStat: {
              Metric: {
                Namespace: 'AWS/ApiGateway',
                MetricName: metricName,
                Dimensions: [{ Name: 'ApiName', Value: this.apiName }],
              },
              Period: period,
              Stat: 'Sum',
            },
            ReturnData: true,
          })),
        }),
      );
      for (const result of answer.MetricDataResults ?? []) {
        if (!result.Id || !(result.Id in sums)) continue;
        const key = result.Id as keyof typeof sums;
        sums[key] += (result.Values ?? []).reduce((total, value) => total + value, 0);
      }
      nextToken = answer.NextToken;
    } while (nextToken);
    return {
      requests: Math.round(sums.requests),
      clientErrors: Math.round(sums.clientErrors),
      serverErrors: Math.round(sums.serverErrors),
    };
  }
}

/** The local gateway's request log (shared/http/request-log.ts). */
export const localApiRequestStats: ApiRequestStats = {
  source: 'local-request-log',
  counts: async (since, until) => requestCounts(since, until),
};
