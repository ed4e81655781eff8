/**
 * The error rate of GET /admin/status: in AWS from API Gateway's metrics (GetMetricData, against the exact
 * SDK shapes CloudWatch answers with), locally from the gateway's request log.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordRequest, requestCounts } from '../../shared/http/request-log.ts';
import { getAdminStatus } from '../../shared/routes/admin-status.ts';
import { CloudWatchApiRequestStats } from '../../shared/store/api-request-stats.ts';
import { attributed } from '../support/aws-calls.ts';

const cloudWatch = mockClient(CloudWatchClient);
/** Its calls are recorded as those of GET /admin/status's function (test/infra/grants.test.ts). */
const stats = () =>
  attributed(
    new CloudWatchApiRequestStats(new CloudWatchClient({ region: 'eu-west-1' }), 'Api'),
    { counts: () => getAdminStatus.handler },
    cloudWatch,
  );

describe('the API error rate from CloudWatch', () => {
  beforeEach(() => cloudWatch.reset());

  it("sums the API's Count, 4XXError and 5XXError over the period in one GetMetricData", async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'requests',
          Label: 'Count',
          Timestamps: [new Date('2026-03-02T09:00:00Z')],
          Values: [1240],
          StatusCode: 'Complete',
        },
        {
          Id: 'clientErrors',
          Label: '4XXError',
          Timestamps: [new Date('2026-03-02T09:00:00Z')],
          Values: [31],
          StatusCode: 'Complete',
        },
        {
          Id: 'serverErrors',
          Label: '5XXError',
          Timestamps: [new Date('2026-03-02T09:00:00Z')],
          Values: [6],
          StatusCode: 'Complete',
        },
      ],
      Messages: [],
    });
    const since = new Date('2026-03-02T09:00:00Z');
    const until = new Date('2026-03-02T10:00:00Z');

    // Act
    const counts = await stats().counts(since, until);

    // Assess
    expect(counts).toEqual({ requests: 1240, clientErrors: 31, serverErrors: 6 });
    const sent = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(sent).toHaveLength(1);
    const metric = (name: string) => ({
      Namespace: 'AWS/ApiGateway',
      MetricName: name,
      Dimensions: [{ Name: 'ApiName', Value: 'Api' }],
    });
    expect(sent[0]?.args[0].input).toEqual({
      StartTime: since,
      EndTime: until,
      NextToken: undefined,
      MetricDataQueries: [
        {
          Id: 'requests',
          MetricStat: { Metric: metric('Count'), Period: 3600, Stat: 'Sum' },
          ReturnData: true,
        },
        {
          Id: 'clientErrors',
          MetricStat: { Metric: metric('4XXError'), Period: 3600, Stat: 'Sum' },
          ReturnData: true,
        },
        {
          Id: 'serverErrors',
          MetricStat: { Metric: metric('5XXError'), Period: 3600, Stat: 'Sum' },
          ReturnData: true,
        },
      ],
    });
  });

  it('follows NextToken, and counts nothing for an API without traffic (no datapoints)', async () => {
    // Prepare
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'requests', Values: [10], Timestamps: [new Date()], StatusCode: 'PartialData' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'requests', Values: [5], Timestamps: [new Date()], StatusCode: 'Complete' },
          { Id: 'clientErrors', Values: [], Timestamps: [], StatusCode: 'Complete' },
          { Id: 'serverErrors', Values: [], Timestamps: [], StatusCode: 'Complete' },
        ],
      });

    // Act
    const counts = await stats().counts(new Date('2026-03-02T09:00:00Z'), new Date('2026-03-02T10:00:00Z'));

    // Assess
    expect(counts).toEqual({ requests: 15, clientErrors: 0, serverErrors: 0 });
    expect(cloudWatch.commandCalls(GetMetricDataCommand)[1]?.args[0].input.NextToken).toBe('page-2');
  });
});

describe("the local gateway's request log", () => {
  it('counts the answers of the minutes asked for, 4xx and 5xx apart', () => {
    // Prepare: answers in 2026-03-02 09:00 to 09:02, and one a day earlier
    recordRequest(200, new Date('2026-03-01T09:00:10Z'));
    recordRequest(200, new Date('2026-03-02T09:00:10Z'));
    recordRequest(404, new Date('2026-03-02T09:01:00Z'));
    recordRequest(500, new Date('2026-03-02T09:01:59Z'));
    recordRequest(503, new Date('2026-03-02T09:02:30Z'));

    // Act
    const counts = requestCounts(new Date('2026-03-02T09:00:30Z'), new Date('2026-03-02T09:01:30Z'));

    // Assess: the minutes 09:00 and 09:01 whole
    expect(counts).toEqual({ requests: 3, clientErrors: 1, serverErrors: 1 });
  });
});
