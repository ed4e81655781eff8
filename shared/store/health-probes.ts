/** Health probes for the AWS dependencies a deployment cannot work without; cheap read-only calls. */
import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { cognitoClient, dynamoDb, s3Client } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { BUCKETS } from '../http/route.ts';
import type { DependencyProbe } from '../use-cases/health.ts';

const BUCKET_SETTING = {
  uploads: 'uploadsBucket',
  content: 'contentBucket',
  backups: 'backupsBucket',
  analytics: 'analyticsBucket',
} as const;

export function platformProbes(): DependencyProbe[] {
  const tableName = requireSetting('tableName');
  const userPoolId = requireSetting('userPoolId');
  return [
    {
      name: 'table',
      kind: 'table',
      check: (abortSignal) =>
        dynamoDb().send(new DescribeTableCommand({ TableName: tableName }), { abortSignal }),
    },
    ...BUCKETS.map((bucket): DependencyProbe => {
      const bucketName = requireSetting(BUCKET_SETTING[bucket]);
      return {
        name: `${bucket}-bucket`,
        kind: 'bucket',
        check: (abortSignal) =>
          s3Client().send(new HeadBucketCommand({ Bucket: bucketName }), { abortSignal }),
      };
    }),
    {
      name: 'user-pool',
      kind: 'user-pool',
      check: (abortSignal) =>
        cognitoClient().send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }), { abortSignal }),
    },
  ];
}
