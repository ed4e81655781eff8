/**
 * LmsBackup: AWS Backup for the LMS data (the vault, its lock, the plan and its selection, see
 * `infra/constructs/backup-plan.ts`). Its own stack rather than LmsData's, for three reasons: vault lock is
 * irreversible once its grace period ends, so it is deployed and reviewed on its own; the plan and the copy
 * region change without an update of the stack that holds the data; and LmsData stays the data alone. It only
 * reads LmsData's ARNs (LmsData references nothing here), and is termination-protected: the vault and its key
 * are retained, since the recovery points outlive any stack.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type BackupVaultLock, LmsBackupPlan } from '../constructs/backup-plan.ts';

export interface BackupStackProps extends StackProps {
  readonly table: ITableV2;
  /** The versioned buckets AWS Backup keeps: content and backups. */
  readonly buckets: readonly IBucket[];
  /** Context `lms:backupVaultLock`. @default - no vault lock */
  readonly vaultLock?: BackupVaultLock;
  /** Context `lms:backupCopyVaultArn`. @default - no cross-region copy */
  readonly copyVaultArn?: string;
}

export class BackupStack extends Stack {
  readonly backupPlan: LmsBackupPlan;

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    super(scope, id, props);
    this.backupPlan = new LmsBackupPlan(this, 'Backup', {
      table: props.table,
      buckets: props.buckets,
      vaultLock: props.vaultLock,
      copyVaultArn: props.copyVaultArn,
    });
  }
}
