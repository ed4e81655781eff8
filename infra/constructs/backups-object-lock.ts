/**
 * The backups bucket must have S3 Object Lock with a default retention: a logical backup is the copy that
 * whoever damaged the data (a person, a bug, stolen credentials) cannot delete as well. No prop turns it off;
 * this Aspect fails the synth, naming the bucket, if the bucket LmsData creates as `backups` (construct id
 * {@link BACKUPS_BUCKET_ID}) lacks it, for instance after an escape-hatch edit of its properties.
 */

import type { IAspect } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

/** Construct id of the backups bucket in LmsData. */
export const BACKUPS_BUCKET_ID = 'BackupsBucket';

interface ResolvedObjectLock {
  readonly objectLockEnabled?: string;
  readonly rule?: { readonly defaultRetention?: { mode?: string; days?: number; years?: number } };
}

export class BackupsBucketObjectLock implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnBucket) || node.node.scope?.node.id !== BACKUPS_BUCKET_ID) return;
    const stack = Stack.of(node);
    const lock = stack.resolve(node.objectLockConfiguration) as ResolvedObjectLock | undefined;
    const retention = lock?.rule?.defaultRetention;
    const missing = [
      stack.resolve(node.objectLockEnabled) === true ? undefined : 'ObjectLockEnabled',
      lock?.objectLockEnabled === 'Enabled' && retention?.mode && (retention.days || retention.years)
        ? undefined
        : 'a default retention (mode and days)',
    ].filter((what) => what !== undefined);
    if (missing.length === 0) return;
    node.node.addValidation({
      validate: () => [
        `The backups bucket (${node.node.path}) must have S3 Object Lock: it lacks ${missing.join(' and ')}. Logical backups are written there so that no one can delete them before their retention ends; create it with objectLockEnabled and objectLockDefaultRetention.`,
      ],
    });
  }
}
