/**
 * AWS Backup (LmsBackup), the content and backups buckets' lifecycle rules, and the object lock the backups
 * bucket cannot do without: the real app (`buildApp` with cdk.json's context, bundling skipped), synthesized
 * with and without the backup context keys.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket, type CfnBucket, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type LmsStacks } from '../../infra/app.ts';
import { BackupsBucketObjectLock } from '../../infra/constructs/backups-object-lock.ts';
import { PROJECT_ROOT } from '../../infra/constructs/lms-function.ts';

type Json = Record<string, unknown>;

const COPY_VAULT_ARN = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:lms-copies';

const cdkContext = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Json })
  .context;

/** The app as `cdk synth` builds it, with `context` over cdk.json's. */
function appWith(context: Json = {}, outdir?: string): App {
  return new App({
    outdir,
    context: {
      ...cdkContext,
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      ...context,
    },
  });
}

function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

function only(template: Template, type: string): Json {
  const resources = Object.values(template.findResources(type));
  expect(resources, type).toHaveLength(1);
  return resources[0] as Json;
}

function planRules(template: Template) {
  const plan = only(template, 'AWS::Backup::BackupPlan') as { Properties: { BackupPlan: Json } };
  return plan.Properties.BackupPlan.BackupPlanRule as Json[];
}

describe('LmsBackup: AWS Backup of the table and the content and backups buckets', () => {
  let stacks: LmsStacks;
  let backup: Template;
  let data: Template;
  beforeAll(() => {
    stacks = buildApp(appWith());
    backup = Template.fromStack(stacks.backup);
    data = Template.fromStack(stacks.data);
  });

  it('keeps a daily recovery point 35 days and a monthly one a year, in its own vault, copied nowhere', () => {
    // Prepare
    const vaultId = logicalIdOf(stacks.backup.backupPlan.vault);

    // Assess
    expect(planRules(backup)).toEqual([
      {
        RuleName: 'daily',
        ScheduleExpression: 'cron(0 5 * * ? *)',
        Lifecycle: { DeleteAfterDays: 35 },
        TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
      },
      {
        RuleName: 'monthly',
        ScheduleExpression: 'cron(0 5 1 * ? *)',
        Lifecycle: { DeleteAfterDays: 365 },
        TargetBackupVault: { 'Fn::GetAtt': [vaultId, 'BackupVaultName'] },
      },
    ]);
  });

  it('encrypts the vault with a rotated customer managed key; vault and key outlive the stack; no lock without context', () => {
    // Prepare
    const vault = only(backup, 'AWS::Backup::BackupVault') as { Properties: Json; DeletionPolicy: string };
    const keys = backup.findResources('AWS::KMS::Key');
    const [keyId] = Object.keys(keys);

    // Assess
    expect(Object.keys(keys)).toHaveLength(1);
    expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(vault.Properties.LockConfiguration).toBeUndefined();
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(keys[keyId as string]?.Properties.EnableKeyRotation).toBe(true);
    expect(keys[keyId as string]?.DeletionPolicy).toBe('Retain');
    expect(stacks.backup.terminationProtection).toBe(true);
  });

  it('selects the table and the content and backups buckets, all three versioned or point-in-time, with a role AWS Backup alone assumes', () => {
    // Prepare
    const selection = only(backup, 'AWS::Backup::BackupSelection') as {
      Properties: { BackupSelection: { Resources: unknown[]; IamRoleArn: unknown } };
    };
    const roleId = logicalIdOf(stacks.backup.backupPlan.role);
    const role = backup.findResources('AWS::IAM::Role')[roleId]?.Properties;

    // Assess: what it backs up (LmsData's own ARNs, imported)
    expect(selection.Properties.BackupSelection.IamRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(selection.Properties.BackupSelection.Resources).toHaveLength(3);
    expect(JSON.stringify(selection.Properties.BackupSelection.Resources)).toContain(
      `${logicalIdOf(stacks.data.table)}Arn`,
    );
    for (const bucket of [stacks.data.buckets.content, stacks.data.buckets.backups]) {
      expect(JSON.stringify(selection.Properties.BackupSelection.Resources)).toContain(
        `${logicalIdOf(bucket)}Arn`,
      );
      // AWS Backup for S3 needs versioning
      expect(
        data.findResources('AWS::S3::Bucket')[logicalIdOf(bucket)]?.Properties.VersioningConfiguration,
      ).toEqual({ Status: 'Enabled' });
    }
    // Assess: its role, with the S3 policies the generic ones lack
    expect(role?.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } },
    ]);
    expect(JSON.stringify(role?.ManagedPolicyArns)).toBe(
      JSON.stringify(
        [
          'service-role/AWSBackupServiceRolePolicyForBackup',
          'service-role/AWSBackupServiceRolePolicyForRestores',
          'AWSBackupServiceRolePolicyForS3Backup',
          'AWSBackupServiceRolePolicyForS3Restore',
        ].map((name) => ({
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]],
        })),
      ),
    );
  });

  it('is a stack of its own that LmsData knows nothing of', () => {
    expect(stacks.backup.dependencies).toContain(stacks.data);
    expect(stacks.data.dependencies).not.toContain(stacks.backup);
  });
});

describe('LmsBackup context: vault lock and the cross-region copy', () => {
  it('locks the vault as lms:backupVaultLock says, from an object or from JSON on the command line', () => {
    for (const lock of [
      { minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: 3 },
      '{"minRetentionDays":7,"maxRetentionDays":400,"changeableForDays":3}',
    ]) {
      // Act
      const stacks = buildApp(appWith({ 'lms:backupVaultLock': lock }));

      // Assess
      const vault = only(Template.fromStack(stacks.backup), 'AWS::Backup::BackupVault') as {
        Properties: Json;
      };
      expect(vault.Properties.LockConfiguration).toEqual({
        MinRetentionDays: 7,
        MaxRetentionDays: 400,
        ChangeableForDays: 3,
      });
    }
  });

  it('leaves the lock in governance mode (no ChangeableForDays) when changeableForDays is absent', () => {
    const stacks = buildApp(
      appWith({ 'lms:backupVaultLock': { minRetentionDays: 1, maxRetentionDays: 365 } }),
    );
    const vault = only(Template.fromStack(stacks.backup), 'AWS::Backup::BackupVault') as { Properties: Json };
    expect(vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 1, MaxRetentionDays: 365 });
  });

  it('refuses a vault lock it cannot apply, naming the field and why', () => {
    const refusals: [unknown, RegExp][] = [
      ['35 days', /lms:backupVaultLock must be an object \{"minRetentionDays"/],
      [[7, 400], /lms:backupVaultLock must be an object/],
      [
        { minRetentionDays: 40, maxRetentionDays: 400 },
        /lms:backupVaultLock\.minRetentionDays must be a whole number of days from 1 to 35 \(the daily recovery points are kept 35 days.*received 40/,
      ],
      [
        { minRetentionDays: 7, maxRetentionDays: 90 },
        /lms:backupVaultLock\.maxRetentionDays must be a whole number of days from 365 to 36500 .*received 90/,
      ],
      [
        { minRetentionDays: 7.5, maxRetentionDays: 400 },
        /minRetentionDays must be a whole number.*received 7\.5/,
      ],
      [{ minRetentionDays: 7 }, /maxRetentionDays must be a whole number.*received undefined/],
      [
        { minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: 1 },
        /changeableForDays must be a whole number of days from 3 to 36500 \(AWS Backup asks for at least 3 days/,
      ],
      [
        { minRetentionDays: 7, maxRetentionDays: 400, minRetention: 7 },
        /lms:backupVaultLock has unknown field\(s\) minRetention/,
      ],
    ];
    for (const [lock, message] of refusals) {
      expect(() => buildApp(appWith({ 'lms:backupVaultLock': lock })), JSON.stringify(lock)).toThrow(message);
    }
  });

  it('copies both rules to the vault lms:backupCopyVaultArn names, kept as long as the originals', () => {
    // Act
    const stacks = buildApp(appWith({ 'lms:backupCopyVaultArn': COPY_VAULT_ARN }));

    // Assess
    const rules = planRules(Template.fromStack(stacks.backup));
    expect(rules.map((rule) => [rule.RuleName, rule.CopyActions])).toEqual([
      ['daily', [{ DestinationBackupVaultArn: COPY_VAULT_ARN, Lifecycle: { DeleteAfterDays: 35 } }]],
      ['monthly', [{ DestinationBackupVaultArn: COPY_VAULT_ARN, Lifecycle: { DeleteAfterDays: 365 } }]],
    ]);
  });

  it('refuses a copy destination that is not a backup vault ARN', () => {
    expect(() => buildApp(appWith({ 'lms:backupCopyVaultArn': 'arn:aws:s3:::lms-copies' }))).toThrow(
      /lms:backupCopyVaultArn must be the ARN of an AWS Backup vault .*received "arn:aws:s3:::lms-copies"/,
    );
  });

  it('stays clean under cdk-nag with the lock and the copy configured', () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'lms-backup-'));
    try {
      const app = appWith(
        {
          'lms:backupVaultLock': { minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: 3 },
          'lms:backupCopyVaultArn': COPY_VAULT_ARN,
        },
        outdir,
      );
      buildApp(app);

      // Act
      app.synth();

      // Assess
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: { pluginName: string; violations: { ruleName: string }[] }[];
      };
      expect(report.pluginReports.flatMap((plugin) => plugin.violations.map((v) => v.ruleName))).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('LmsData lifecycle rules', () => {
  let data: Template;
  let stacks: LmsStacks;
  beforeAll(() => {
    stacks = buildApp(appWith());
    data = Template.fromStack(stacks.data);
  });
  const rulesOf = (bucket: IConstruct) =>
    data.findResources('AWS::S3::Bucket')[logicalIdOf(bucket)]?.Properties.LifecycleConfiguration
      .Rules as Json[];

  it('moves content objects tagged lms-storage=archive, current and noncurrent versions, to Glacier Instant Retrieval', () => {
    expect(rulesOf(stacks.data.buckets.content)).toContainEqual({
      Id: 'archive-tagged-content',
      Status: 'Enabled',
      TagFilters: [{ Key: 'lms-storage', Value: 'archive' }],
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 0 }],
      NoncurrentVersionTransitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 1 }],
    });
  });

  it('moves logical backups to Glacier Instant Retrieval after 30 days and expires them after 400', () => {
    expect(rulesOf(stacks.data.buckets.backups)).toContainEqual({
      Id: 'logical-backups',
      Status: 'Enabled',
      Prefix: 'logical/',
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
      ExpirationInDays: 400,
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    });
  });
});

describe('the backups bucket cannot go without object lock', () => {
  it('has it in the app: enabled, with a 30-day governance default retention', () => {
    const stacks = buildApp(appWith());
    const bucket = Template.fromStack(stacks.data).findResources('AWS::S3::Bucket')[
      logicalIdOf(stacks.data.buckets.backups)
    ]?.Properties;
    expect(bucket?.ObjectLockEnabled).toBe(true);
    expect(bucket?.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
    });
  });

  it("fails the synth, naming the bucket, when LmsData's backups bucket loses it", () => {
    // Prepare: someone edits the bucket through the escape hatch
    const app = appWith();
    const stacks = buildApp(app);
    const cfn = stacks.data.buckets.backups.node.defaultChild as CfnBucket;
    cfn.objectLockEnabled = false;
    cfn.objectLockConfiguration = undefined;

    // Act + Assess
    expect(() => app.synth()).toThrow(
      /The backups bucket \(LmsData\/BackupsBucket\/Resource\) must have S3 Object Lock: it lacks ObjectLockEnabled and a default retention/,
    );
  });

  it('refuses any stack whose bucket named as backups lacks ObjectLockEnabled, and leaves other buckets alone', () => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, 'Elsewhere');
    new Bucket(stack, 'ReportsBucket', { versioned: true });
    new Bucket(stack, 'BackupsBucket', { versioned: true });
    Aspects.of(stack).add(new BackupsBucketObjectLock());

    // Act + Assess
    expect(() => app.synth()).toThrow(
      /The backups bucket \(Elsewhere\/BackupsBucket\/Resource\) must have S3 Object Lock: it lacks ObjectLockEnabled/,
    );
  });

  it('accepts a backups bucket with the lock and a default retention', () => {
    const app = new App();
    const stack = new Stack(app, 'Elsewhere');
    new Bucket(stack, 'BackupsBucket', {
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(7)),
    });
    Aspects.of(stack).add(new BackupsBucketObjectLock());
    expect(() => app.synth()).not.toThrow();
  });

  it('refuses a lock without a default retention: nothing would be held', () => {
    const app = new App();
    const stack = new Stack(app, 'Elsewhere');
    new Bucket(stack, 'BackupsBucket', { versioned: true, objectLockEnabled: true });
    Aspects.of(stack).add(new BackupsBucketObjectLock());
    expect(() => app.synth()).toThrow(
      /\(Elsewhere\/BackupsBucket\/Resource\) must have S3 Object Lock: it lacks a default retention \(mode and days\)\./,
    );
  });
});
