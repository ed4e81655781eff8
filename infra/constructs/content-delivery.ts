/**
 * ContentDelivery: CloudFront in front of the content bucket. Learners fetch course files from
 * `https://<distribution>/<courseId>/v<n>/<path>`, which CloudFront reads from `courses/<courseId>/v<n>/<path>`
 * through origin access control. Nothing else in the bucket (accessibility reports under `reports/`) can be
 * reached: the origin path is `/courses`, and the bucket policy lets only this distribution read only
 * `courses/*`.
 *
 * It also deploys the player page (shared/player, built at synth) to `courses/_player/` of the bucket, so that the
 * distribution serves it at `/_player/index.html`, on the content's own origin: a SCO in the player's frame
 * reaches the SCORM API through `window.parent`, which only a page of its own origin can.
 *
 * The construct must live in the stack that owns the content bucket. The bucket policy names the
 * distribution's ARN, and the distribution names the bucket's domain name: across two stacks those references
 * point both ways, which CloudFormation cannot deploy.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Aws,
  type CfnElement,
  Duration,
  FileSystem,
  Names,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  type ResponseSecurityHeadersBehavior,
  S3OriginAccessControl,
  SecurityPolicyProtocol,
  Signing,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildPlayerSync, PLAYER_PATH } from '../../shared/player/build.ts';

/** The key prefix of the content bucket that is served; everything else in the bucket is private. */
export const SERVED_PREFIX = 'courses';

/** A custom domain for the content: its name and an ACM certificate for it, which must be in us-east-1. */
export interface ContentDomain {
  readonly domainName: string;
  readonly certificate: ICertificate;
}

export interface ContentDeliveryProps {
  /** The content bucket. It must be in the same stack as this construct (see the module comment). */
  readonly contentBucket: IBucket;
  /** Receives the S3 server access logs of the distribution's own log bucket. */
  readonly accessLogsBucket: IBucket;
  /**
   * How long edge locations keep a file when S3 sends no `Cache-Control`. Files of a content version never
   * change (a new import is a new `v<n>` prefix), so this is long; a takedown needs an invalidation.
   * @default Duration.days(30)
   */
  readonly defaultTtl?: Duration;
  /** How long the distribution's access logs are kept. @default Duration.days(365) */
  readonly logsExpiration?: Duration;
  /**
   * Origins allowed to frame the content (CSP `frame-ancestors`), for example the LMS web app that frames the
   * player. The content's own origin (`'self'`: the player, whose frame shows the SCOs) is allowed too. No
   * `X-Frame-Options` is sent.
   * @default - no `frame-ancestors` restriction
   */
  readonly frameAncestors?: readonly string[];
  /** Serve under a custom domain, with TLS 1.2 (2025 policy) as the minimum. @default - the `*.cloudfront.net` name */
  readonly domain?: ContentDomain;
}

export class ContentDelivery extends Construct {
  readonly distribution: Distribution;
  /** Puts the player's files under `courses/_player/` of the content bucket at each deploy. */
  readonly playerDeployment: BucketDeployment;
  /** Receives the distribution's standard (access) logs. */
  readonly logsBucket: Bucket;

  constructor(scope: Construct, id: string, props: ContentDeliveryProps) {
    super(scope, id);
    const bucket = props.contentBucket;
    if (Stack.of(bucket) !== Stack.of(this)) {
      throw new Error(
        `ContentDelivery ${this.node.path} must be created in the stack of its content bucket (${Stack.of(bucket).stackName}), not in ${Stack.of(this).stackName}: the bucket policy and the distribution reference each other, which is a cycle across stacks.`,
      );
    }

    this.logsBucket = new Bucket(this, 'LogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logging delivers with object ACLs; a bucket with ACLs disabled gets no logs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'content-distribution-logs/',
      lifecycleRules: [{ id: 'expire-cdn-logs', expiration: props.logsExpiration ?? Duration.days(365) }],
    });
    this.logsBucket.policy?.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const originAccessControl = new S3OriginAccessControl(this, 'OriginAccessControl', {
      originAccessControlName: globalName(this, 'Oac', 64),
      description: 'LMS content distribution: signed reads of the content bucket',
      signing: Signing.SIGV4_ALWAYS,
    });

    const cachePolicy = new CachePolicy(this, 'CachePolicy', {
      comment: 'LMS content: immutable versioned files; no query strings, headers or cookies in the key',
      minTtl: Duration.seconds(0),
      defaultTtl: props.defaultTtl ?? Duration.days(30),
      maxTtl: Duration.days(365),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const responseHeadersPolicy = new ResponseHeadersPolicy(this, 'ResponseHeadersPolicy', {
      responseHeadersPolicyName: globalName(this, 'Headers', 128),
      comment: 'LMS content: HSTS, nosniff, referrer policy, frame ancestors',
      securityHeadersBehavior: securityHeaders(props.frameAncestors),
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `LMS course content (${SERVED_PREFIX}/ of the content bucket)`,
      defaultBehavior: {
        // Not withOriginAccessControl(): it would grant s3:GetObject on the whole bucket, reports included.
        origin: S3BucketOrigin.withBucketDefaults(bucket, {
          originPath: `/${SERVED_PREFIX}`,
          originAccessControlId: originAccessControl.originAccessControlId,
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: CachedMethods.CACHE_GET_HEAD,
        cachePolicy,
        responseHeadersPolicy,
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'distribution/',
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: props.domain.certificate,
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2025,
          }
        : {}),
    });

    this.playerDeployment = this.deployPlayer(bucket);

    const grant = bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'ContentDistributionReadsServedPrefix',
        principals: [new ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${SERVED_PREFIX}/*`)],
        conditions: { StringEquals: { 'AWS:SourceArn': this.distribution.distributionArn } },
      }),
    );
    if (!grant.statementAdded) {
      throw new Error(
        `ContentDelivery ${this.node.path} could not add its grant to the policy of ${bucket.node.path}: pass a bucket created in this stack, not an imported one.`,
      );
    }

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: learners study wherever the organisation operates, and which countries to block is a per-deployment business decision, not a product default. The distribution serves read-only course files only.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'A CloudFront web ACL must be created in us-east-1 (scope CLOUDFRONT), while this environment-agnostic stack deploys to any region. The distribution serves static, read-only files (GET/HEAD, nothing forwarded to the origin but the path, no compute behind it), and only this distribution can read the bucket (OAC + bucket policy).',
    });
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the *.cloudfront.net default certificate, whose security policy CloudFront fixes (TLSv1) and does not let us raise. Configure a custom domain (context lms:contentDomainName + lms:contentCertificateArn, an ACM certificate in us-east-1) to serve with TLSv1.2_2025 as the minimum; this acknowledgement then disappears.',
      });
    }
  }

  /**
   * Deploys the player, built now, to `courses/_player/` of the content bucket. BucketDeployment's own grants
   * would let its function read and write the whole bucket (and every CDK asset): its role here takes no
   * grants from it, and has only its log group, the player's asset, and the player's prefix.
   */
  private deployPlayer(bucket: IBucket): BucketDeployment {
    const player = buildPlayerSync();
    const files = FileSystem.mkdtemp('lms-player');
    for (const [name, file] of Object.entries(player)) writeFileSync(join(files, name), file.body);
    const asset = new Asset(this, 'PlayerFiles', { path: files });
    const prefix = `${SERVED_PREFIX}/${PLAYER_PATH}/`;

    const logGroup = new LogGroup(this, 'PlayerDeploymentLogGroup', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'PlayerDeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Deploys the player page: reads its asset, replaces courses/_player/ of the content bucket',
    });
    logGroup.grantWrite(role);
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
      }),
    );
    // `aws s3 sync --delete` of the player's files: list the prefix, put the new files, delete the gone ones.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${prefix}*` } },
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [bucket.arnForObjects(`${prefix}*`)],
      }),
    );

    const deployment = new BucketDeployment(this, 'Player', {
      destinationBucket: bucket,
      destinationKeyPrefix: prefix,
      sources: [Source.bucket(asset.bucket, asset.s3ObjectKey)],
      // Browsers and edge locations check for a new player at every launch (a 304 when there is none).
      cacheControl: [CacheControl.noCache()],
      role: role.withoutPolicyUpdates(),
      logGroup,
    });
    // The role's policy is its own resource: the deployment must not run before it is attached.
    deployment.node.addDependency(role);

    const contentBucketId = Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${contentBucketId}.Arn>/${prefix}*]`,
      reason: `Putting and deleting the player's files needs object ARNs; "/${prefix}*" covers the player's own prefix only (no course content), with explicit actions.`,
    });
    acknowledgeBucketDeploymentFunction(Stack.of(this));
    return deployment;
  }
}

/**
 * BucketDeployment's function is a singleton of the stack (beside this construct, not under it), and what
 * cdk-nag finds in it is CDK's to decide: acknowledged there, one finding at a time.
 */
function acknowledgeBucketDeploymentFunction(stack: Stack): void {
  const handler = stack.node.children.find((child) =>
    child.node.id.startsWith('Custom::CDKBucketDeployment'),
  );
  if (!handler)
    throw new Error(`No BucketDeployment function in ${stack.stackName}: did aws-cdk-lib rename it?`);
  const runtime =
    "aws-cdk-lib picks and upgrades the runtime of BucketDeployment's bundled handler (Python with the AWS CLI layer) with each release; the function runs only while CloudFormation deploys the player's files.";
  Validations.of(handler).acknowledge({ id: 'AwsSolutions-L1', reason: runtime });
  Validations.of(handler).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: runtime });
  Validations.of(handler).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'CloudFormation invokes this custom resource handler synchronously and reports its failure as the deployment failing (and rolls back): a dead-letter queue would hold nothing to act on.',
  });
  Validations.of(handler).acknowledge({
    id: 'Serverless-LambdaTracing',
    reason:
      'A deploy-time copy of two files into the content bucket, run by CloudFormation: no request of a learner or administrator passes through it, so there is nothing to trace; its log group records each run.',
  });
}

function securityHeaders(frameAncestors: readonly string[] | undefined): ResponseSecurityHeadersBehavior {
  return {
    strictTransportSecurity: {
      accessControlMaxAge: Duration.days(730),
      includeSubdomains: true,
      override: true,
    },
    contentTypeOptions: { override: true },
    referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
    // The legacy XSS auditor is off ("0"), as current browser guidance recommends.
    xssProtection: { protection: false, override: true },
    ...(frameAncestors && frameAncestors.length > 0
      ? {
          contentSecurityPolicy: {
            contentSecurityPolicy: `frame-ancestors 'self' ${frameAncestors.join(' ')}`,
            override: true,
          },
        }
      : {}),
  };
}

/**
 * A name for an account-global CloudFront resource: the construct's unique name plus the region, so that
 * deploying the stack in two regions of one account does not collide (CDK's cache policies do the same).
 */
function globalName(scope: Construct, suffix: string, maxLength: number): string {
  const unique = Names.uniqueResourceName(scope, { maxLength: maxLength - suffix.length - 16 });
  return `${unique}${suffix}-${Aws.REGION}`;
}
