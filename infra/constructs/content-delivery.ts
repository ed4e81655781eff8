/**
 * ContentDelivery: CloudFront in front of the content bucket. Learners fetch course files from
 * `https://<distribution>/<courseId>/v<n>/<path>`, which CloudFront reads from `courses/<courseId>/v<n>/<path>`
 * through origin access control. Nothing else in the bucket (accessibility reports under `reports/`) can be
 * reached: the origin path is `/courses`, and the bucket policy lets only this distribution read only
 * `courses/*`.
 *
 * The construct must live in the stack that owns the content bucket. The bucket policy names the
 * distribution's ARN, and the distribution names the bucket's domain name: across two stacks those references
 * point both ways, which CloudFormation cannot deploy.
 */
import { Aws, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
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
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

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
   * Origins allowed to frame the content (CSP `frame-ancestors`), for example the LMS player's origin.
   * Course packages run inside the player's frame, so no `X-Frame-Options` is sent.
   * @default - no `frame-ancestors` restriction
   */
  readonly frameAncestors?: readonly string[];
  /** Serve under a custom domain, with TLS 1.2 (2025 policy) as the minimum. @default - the `*.cloudfront.net` name */
  readonly domain?: ContentDomain;
}

export class ContentDelivery extends Construct {
  readonly distribution: Distribution;
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
            contentSecurityPolicy: `frame-ancestors ${frameAncestors.join(' ')}`,
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
