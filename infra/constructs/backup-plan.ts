/**
 * LmsBackupPlan: AWS's own backups of the LMS data, beside the logical backups the LMS takes itself. A vault
 * encrypted with a customer managed key (rotated), with vault lock when one is configured; a plan of two rules,
 * daily kept 35 days and monthly kept a year, each copied to another region's vault when one is given; and a
 * selection of the table and the content and backups buckets, backed up by a role of its own.
 *
 * AWS Backup for S3 needs the buckets versioned (content and backups are, in LmsData) and the S3 backup and
 * restore policies on its role (CDK's selection attaches only the generic ones). The account must also have
 * opted in to S3 (and, for a cross-region copy of the table, DynamoDB's advanced features) in AWS Backup's
 * settings for the region: there is no CloudFormation resource for those, see the README.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  BackupPlan,
  BackupPlanRule,
  BackupResource,
  BackupVault,
  type IBackupVault,
} from 'aws-cdk-lib/aws-backup';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Days the daily recovery points are kept: the 35. */
export const DAILY_RETENTION_DAYS = 35;
/** Days the monthly recovery points are kept: a year. */
export const MONTHLY_RETENTION_DAYS = 365;

/** Vault lock, in days: see AWS Backup's `PutBackupVaultLockConfiguration`. */
export interface BackupVaultLock {
  /** Every recovery point in the vault is kept at least this long (no one can delete it earlier). */
  readonly minRetentionDays: number;
  /** No recovery point may be kept longer (a job asking for more fails). */
  readonly maxRetentionDays: number;
  /**
   * Days during which the lock can still be changed or removed; after them it is immutable (compliance
   * mode). @default - none: governance mode, which people with the right IAM permissions can remove
   */
  readonly changeableForDays?: number;
}

export interface LmsBackupPlanProps {
  /** The table to back up. */
  readonly table: ITableV2;
  /** The buckets to back up: each must be versioned. */
  readonly buckets: readonly IBucket[];
  /** @default - no vault lock */
  readonly vaultLock?: BackupVaultLock;
  /** A vault in another region (or account) that receives a copy of each recovery point. @default - none */
  readonly copyVaultArn?: string;
}

/**
 * AWS's managed policies for AWS Backup's role: backup and restore of the table (the generic pair) and of S3
 * buckets (which the generic pair does not cover).
 */
export const BACKUP_ROLE_POLICIES = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
  'AWSBackupServiceRolePolicyForS3Backup',
  'AWSBackupServiceRolePolicyForS3Restore',
] as const;

export class LmsBackupPlan extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;
  /** The role AWS Backup assumes to back up and restore the selection. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: LmsBackupPlanProps) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: 'Encrypts the LMS backup vault (recovery points of the table and the buckets)',
      enableKeyRotation: true,
      // Recovery points outlive the stack: so does the key that decrypts them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new BackupVault(this, 'Vault', {
      encryptionKey: key,
      lockConfiguration: props.vaultLock && {
        minRetention: Duration.days(props.vaultLock.minRetentionDays),
        maxRetention: Duration.days(props.vaultLock.maxRetentionDays),
        changeableFor:
          props.vaultLock.changeableForDays === undefined
            ? undefined
            : Duration.days(props.vaultLock.changeableForDays),
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const copyTo: IBackupVault | undefined = props.copyVaultArn
      ? BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyVaultArn)
      : undefined;
    const rule = (name: string, schedule: Schedule, keepDays: number) =>
      new BackupPlanRule({
        ruleName: name,
        scheduleExpression: schedule,
        deleteAfter: Duration.days(keepDays),
        copyActions: copyTo && [{ destinationBackupVault: copyTo, deleteAfter: Duration.days(keepDays) }],
      });
    this.plan = new BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        // 05:00 UTC, after the logical backup's window; the monthly one on the 1st.
        rule('daily', Schedule.cron({ minute: '0', hour: '5' }), DAILY_RETENTION_DAYS),
        rule('monthly', Schedule.cron({ minute: '0', hour: '5', day: '1' }), MONTHLY_RETENTION_DAYS),
      ],
    });

    this.role = new Role(this, 'Role', {
      description: 'AWS Backup: backs up and restores the LMS table and buckets of the plan',
      assumedBy: new ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: BACKUP_ROLE_POLICIES.map((name) => ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    for (const policy of BACKUP_ROLE_POLICIES) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        reason: `AWS Backup's own role: ${policy.replace('service-role/', '')} is the policy AWS documents for backing up and restoring these resource types, maintained by AWS as the service changes; only backup.amazonaws.com assumes the role, and the selection names the resources.`,
      });
    }
    this.plan.addSelection('Selection', {
      role: this.role,
      resources: [props.table.tableArn, ...props.buckets.map((bucket) => bucket.bucketArn)].map((arn) =>
        BackupResource.fromArn(arn),
      ),
      // The role above carries the policies.
      disableDefaultBackupPolicy: true,
    });
  }
}
