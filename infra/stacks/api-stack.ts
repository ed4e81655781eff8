/**
 * LmsApi: the REST API derived from the route manifest. One LmsFunction per route (construct id = route id),
 * bound to exactly what the route's `needs` declares; the request authorizer on every non-public route; WAF
 * (with a rate limit of its own for /scim/v2, answering 429 with Retry-After), throttling, access logs,
 * tracing; API Gateway's own errors rendered as RFC 9457 problem+json.
 *
 * The functions live in nested stacks, one per route `tag` (`LmsApi/Functions<Tag>`), each with its route's
 * method: a function brings a log group, a role, a policy, API Gateway's permission to invoke it and the
 * method, and in one stack they outgrow CloudFormation's limit of 500 resources per stack. LmsApi keeps the
 * API itself (its paths and their CORS preflights, the authorizer, the deployment and stage, WAF, gateway
 * responses); CDK passes the API's, the paths' and the authorizer's ids into the nested stacks as parameters,
 * and the deployment depends on every nested stack, so it is made after their methods.
 */
import {
  CfnOutput,
  Duration,
  NestedStack,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  AwsIntegration,
  Cors,
  EndpointType,
  IdentitySource,
  LogGroupLogDestination,
  Method,
  MethodLoggingLevel,
  RequestAuthorizer,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/config.ts';
import { SCIM_BASE_PATH } from '../../shared/domain/scim-token.ts';
import { AUTHORIZER_CACHE_SECONDS, AUTHORIZER_HANDLER } from '../../shared/http/authorizer.ts';
import type { BucketName, QueueName, RouteDefinition } from '../../shared/http/route.ts';
import { routes as manifest } from '../../shared/routes/index.ts';
import { SCIM_RATE_LIMIT, scimThrottledBody } from '../../shared/scim/throttle.ts';
import type { ReportQueryTarget } from '../constructs/analytics-lake.ts';
import { LmsFunction } from '../constructs/lms-function.ts';

export interface ApiStackProps extends StackProps {
  readonly table: ITable;
  readonly buckets: Readonly<Record<BucketName, IBucket>>;
  /** The work queues the routes start background work on. @default - none: a route needing one fails synth */
  readonly queues?: Readonly<Record<QueueName, IQueue>>;
  readonly userPool: IUserPool;
  /** The Athena workgroup and Glue tables, for routes whose `needs` name `reportQueries` (reconciliation). */
  readonly reportQueries?: ReportQueryTarget;
  /** The web app client: people's ID tokens are its; federation lists the identity providers on it. */
  readonly webClient: IUserPoolClient;
  /** Where content and the player are served (`https://<distribution domain>`): launch URLs. @default - none */
  readonly contentBaseUrl?: string;
  /** The hosted sign-in page, when the pool has a domain (sign-in links). @default - none */
  readonly hostedUi?: { readonly domain: string; readonly callbackUrl: string };
  /** The routes to serve. @default the route manifest (`shared/routes`) */
  readonly routes?: readonly RouteDefinition[];
  /** API stage name, also given to the functions as `STAGE`. @default 'prod' */
  readonly stageName?: string;
  /**
   * Origins allowed by the CORS preflight. The API authenticates with bearer tokens, never cookies, so
   * allowing any origin exposes nothing a caller does not already hold.
   * @default Cors.ALL_ORIGINS
   */
  readonly corsAllowOrigins?: readonly string[];
  /** Stage-wide steady-state request rate (requests per second). @default 50 */
  readonly throttlingRateLimit?: number;
  /** Stage-wide burst. @default 100 */
  readonly throttlingBurstLimit?: number;
  /**
   * WAF: requests one IP may make in any 5-minute window before it is blocked, on every path but the SCIM
   * endpoints' (which have their own limit, `SCIM_RATE_LIMIT`). @default 1000
   */
  readonly requestsPerIpPer5Minutes?: number;
  /** Retention of the API access logs. @default RetentionDays.ONE_YEAR */
  readonly accessLogRetention?: RetentionDays;
}

/** Headers browsers may send cross-origin: auth, JSON bodies, optimistic locking and idempotent retries. */
/** xAPI content (cmi5 AUs, on the content origin) also sends its version header and If-None-Match. */
const CORS_ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'If-Match',
  'If-None-Match',
  'Idempotency-Key',
  'X-Experience-API-Version',
];

/**
 * API Gateway's own responses (requests that never reach a function) with the status they are sent with.
 * Statuses follow API Gateway's defaults, except: an unknown route or method (MISSING_AUTHENTICATION_TOKEN)
 * is a 404 as it is in the local gateway, an expired token is a 401, and DEFAULT_4XX/DEFAULT_5XX are pinned to
 * 400/500 so the `status` member of the body always equals the response status.
 */
const GATEWAY_RESPONSES: readonly { type: ResponseType; status: number; title: string }[] = [
  { type: ResponseType.DEFAULT_4XX, status: 400, title: 'Bad Request' },
  { type: ResponseType.DEFAULT_5XX, status: 500, title: 'Internal Server Error' },
  { type: ResponseType.BAD_REQUEST_BODY, status: 400, title: 'Bad Request' },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, status: 400, title: 'Bad Request' },
  { type: ResponseType.UNAUTHORIZED, status: 401, title: 'Unauthorized' },
  { type: ResponseType.EXPIRED_TOKEN, status: 401, title: 'Unauthorized' },
  { type: ResponseType.ACCESS_DENIED, status: 403, title: 'Forbidden' },
  { type: ResponseType.INVALID_API_KEY, status: 403, title: 'Forbidden' },
  { type: ResponseType.INVALID_SIGNATURE, status: 403, title: 'Forbidden' },
  { type: ResponseType.WAF_FILTERED, status: 403, title: 'Forbidden' },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, title: 'Not Found' },
  { type: ResponseType.RESOURCE_NOT_FOUND, status: 404, title: 'Not Found' },
  { type: ResponseType.REQUEST_TOO_LARGE, status: 413, title: 'Content Too Large' },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, title: 'Unsupported Media Type' },
  { type: ResponseType.THROTTLED, status: 429, title: 'Too Many Requests' },
  { type: ResponseType.QUOTA_EXCEEDED, status: 429, title: 'Too Many Requests' },
  { type: ResponseType.AUTHORIZER_FAILURE, status: 500, title: 'Internal Server Error' },
  { type: ResponseType.AUTHORIZER_CONFIGURATION_ERROR, status: 500, title: 'Internal Server Error' },
  { type: ResponseType.API_CONFIGURATION_ERROR, status: 500, title: 'Internal Server Error' },
  { type: ResponseType.INTEGRATION_FAILURE, status: 504, title: 'Gateway Timeout' },
  { type: ResponseType.INTEGRATION_TIMEOUT, status: 504, title: 'Gateway Timeout' },
];

/** The problem+json body of a gateway response (a plain substitution template, not VTL). */
export function problemTemplate(status: number, title: string): string {
  return `{"type":"about:blank","title":${JSON.stringify(title)},"status":${status},"detail":$context.error.messageString,"requestId":"$context.requestId"}`;
}

export class ApiStack extends Stack {
  readonly api: RestApi;
  /** The function of each route, by route id. */
  readonly functions: ReadonlyMap<string, LmsFunction>;
  /** The request authorizer's function (handler {@link AUTHORIZER_HANDLER}). */
  readonly authorizerFunction: LmsFunction;
  /** The nested stack holding the functions of each route tag (created for the tags in use), by tag. */
  readonly functionStacks: ReadonlyMap<string, NestedStack>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    const routes = props.routes ?? manifest;
    assertUniqueRoutes(routes);
    const stageName = props.stageName ?? 'prod';
    const allowOrigins = [...(props.corsAllowOrigins ?? Cors.ALL_ORIGINS)];

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const api = new RestApi(this, 'Api', {
      description: 'LMS administration API (derived from the route manifest)',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logs (ERROR level) need API Gateway's account-level CloudWatch role.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: props.throttlingRateLimit ?? 50,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 100,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
      },
      defaultCorsPreflightOptions: {
        allowOrigins,
        allowMethods: [...new Set(routes.map((route) => route.method))],
        allowHeaders: CORS_ALLOW_HEADERS,
        maxAge: Duration.hours(1),
      },
    });
    this.api = api;

    const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "AWS's managed policy for API Gateway's account-level logging role (assumable only by apigateway.amazonaws.com); AWS maintains it with the service's logging needs, and execution logs (AwsSolutions-APIG6) depend on it.",
      });
    }
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated in each handler against the route manifest zod schemas, which answer 400 problem+json with per-field errors, identically on AWS and in the local gateway; a gateway validator would duplicate the schemas in JSON Schema draft-4 and answer in another error shape.',
    });

    const corsOrigin = allowOrigins.length === 1 ? allowOrigins[0] : undefined;
    for (const response of GATEWAY_RESPONSES) {
      api.addGatewayResponse(`Problem${response.type.responseType}`, {
        type: response.type,
        statusCode: String(response.status),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          ...(corsOrigin ? { 'Access-Control-Allow-Origin': `'${corsOrigin}'` } : {}),
        },
        templates: { 'application/json': problemTemplate(response.status, response.title) },
      });
    }

    // One authorizer for people (the web client's ID tokens) and machine clients (client-credentials access
    // tokens): a Cognito authorizer takes only one kind per method (shared/http/authorizer.ts says why).
    const authorizerFunction = new LmsFunction(this, 'RequestAuthorizer', {
      entry: AUTHORIZER_HANDLER,
      description:
        'Verifies bearer tokens of the user pool (ID tokens of the web client, machine access tokens)',
      timeout: Duration.seconds(5),
    });
    // Reads machine clients' records (a client the LMS did not create, or has revoked, is refused), the
    // profile a person's login is linked to, and SCIM tokens' records; its one write is a SCIM token's
    // lastUsedAt (a conditional UpdateItem, at most once a minute per token), on the table alone.
    this.authorizerFunction = authorizerFunction;
    authorizerFunction.bindTable(props.table, 'read');
    Grant.addToPrincipal({
      grantee: authorizerFunction,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [props.table.tableArn],
    });
    authorizerFunction.addEnvironment(ENV.userPoolId, props.userPool.userPoolId);
    authorizerFunction.addEnvironment(ENV.webClientId, props.webClient.userPoolClientId);
    Validations.of(authorizerFunction).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'API Gateway invokes the authorizer synchronously and answers 401/500 itself when it fails; a dead-letter queue only ever receives asynchronous invocations.',
    });
    const authorizer = new RequestAuthorizer(this, 'Authorizer', {
      handler: authorizerFunction,
      identitySources: [IdentitySource.header('Authorization')],
      // Cached per token: the answer allows the whole stage (a SCIM token's, /scim/v2 only), and the route gate
      // decides per route. Short, so a suspension, a machine client's narrowed scopes or a revoked SCIM token
      // take effect within a minute.
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
    });

    const functions = new Map<string, LmsFunction>();
    const functionStacks = new Map<string, NestedStack>();
    const functionStackOf = (tag: string): NestedStack => {
      let stack = functionStacks.get(tag);
      if (!stack) {
        const id = functionStackId(tag);
        const existing = this.node.tryFindChild(id);
        stack =
          existing instanceof NestedStack
            ? existing
            : new NestedStack(this, id, { description: `LMS admin: the functions of the ${tag} routes.` });
        functionStacks.set(tag, stack);
      }
      return stack;
    };
    for (const route of routes) {
      const fn = new LmsFunction(functionStackOf(route.tag), route.id, {
        entry: route.handler,
        description: `${route.method} ${route.path}: ${route.summary}`.slice(0, 256),
        // The origins API Gateway's preflight allows are the ones the function answers (its CORS headers).
        environment: { [ENV.stage]: stageName, [ENV.corsAllowedOrigins]: allowOrigins.join(',') },
        ...(route.timeoutSeconds ? { timeout: Duration.seconds(route.timeoutSeconds) } : {}),
      });
      fn.bindNeeds(route.needs, {
        ...props,
        webClientId: props.webClient?.userPoolClientId,
        apiName: api.restApiName,
      });
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by API Gateway (Lambda proxy integration): a failure is returned to the caller as a 5xx problem+json, and a dead-letter queue only ever receives asynchronous invocations.',
      });

      // The method lives beside its function, in the tag's nested stack: LmsApi keeps the resources (paths),
      // their CORS preflights and the deployment, and stays under CloudFormation's 500 resources per stack.
      const resource = api.root.resourceForPath(route.path);
      const integration = lambdaProxyIntegration(fn, api, route, stageName);
      const method = new Method(functionStackOf(route.tag), `${route.id}Method`, {
        resource,
        httpMethod: route.method,
        integration,
        options:
          'public' in route.access
            ? { operationName: route.id, authorizationType: AuthorizationType.NONE }
            : { operationName: route.id, authorizationType: AuthorizationType.CUSTOM, authorizer },
      });
      if (!('public' in route.access)) {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason:
            "The request authorizer verifies this user pool's tokens (aws-jwt-verify: signature, issuer, expiry, token use, the web client's audience). A Cognito authorizer cannot be used: on one method it takes either ID tokens (people) or scoped access tokens (machine clients), and this route serves both kinds or may come to.",
        });
      }
      if ('public' in route.access) {
        const reason = `${route.method} ${route.path} is public by design in the route manifest (access: public); it is still behind the WAF and stage throttling.`;
        Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason });
        Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason });
      }
      functions.set(route.id, fn);
    }
    this.functions = functions;
    this.functionStacks = functionStacks;

    // The SCIM endpoints have a rate limit of their own (identity providers send bursts), with the 429 and
    // Retry-After they honour; every other path keeps the per-IP limit. Each request counts in exactly one.
    const scimPath = scimPathStatement();
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('LmsApiWebAcl'),
      customResponseBodies: {
        [SCIM_THROTTLED_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(scimThrottledBody(SCIM_RATE_LIMIT)),
        },
      },
      rules: [
        managedRuleGroup(0, 'AWSManagedRulesCommonRuleSet', [
          // The rule blocks bodies over 8 KB; the API accepts up to each route's maxBodyBytes (64 KB by
          // default) and answers 413 itself, so the rule only counts.
          { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
        ]),
        managedRuleGroup(1, 'AWSManagedRulesKnownBadInputsRuleSet'),
        managedRuleGroup(2, 'AWSManagedRulesAmazonIpReputationList'),
        {
          name: 'RateLimitPerIp',
          priority: 3,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.requestsPerIpPer5Minutes ?? 1000,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: { notStatement: { statement: scimPath } },
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'ScimRateLimit',
          priority: 4,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: SCIM_THROTTLED_BODY,
                responseHeaders: [{ name: 'Retry-After', value: String(SCIM_RATE_LIMIT.windowSeconds) }],
              },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: SCIM_RATE_LIMIT.requests,
              evaluationWindowSec: SCIM_RATE_LIMIT.windowSeconds,
              // The caller's address: WAF runs before any token is checked, and a header would be whatever
              // the client chooses to send (a new one each time escapes any limit).
              aggregateKeyType: 'IP',
              scopeDownStatement: scimPath,
            },
          },
          visibilityConfig: visibility('ScimRateLimit'),
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: api.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the API stage' });
  }
}

function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      extendedRequestId: AccessLogField.contextExtendedRequestId(),
      requestTime: AccessLogField.contextRequestTime(),
      ip: AccessLogField.contextIdentitySourceIp(),
      userAgent: AccessLogField.contextIdentityUserAgent(),
      httpMethod: AccessLogField.contextHttpMethod(),
      resourcePath: AccessLogField.contextResourcePath(),
      path: AccessLogField.contextPath(),
      status: AccessLogField.contextStatus(),
      protocol: AccessLogField.contextProtocol(),
      responseLength: AccessLogField.contextResponseLength(),
      responseLatency: AccessLogField.contextResponseLatency(),
      integrationLatency: AccessLogField.contextIntegrationLatency(),
      integrationError: AccessLogField.contextIntegrationErrorMessage(),
      errorType: AccessLogField.contextErrorResponseType(),
      error: AccessLogField.contextErrorMessage(),
      authorizerError: AccessLogField.contextAuthorizerError(),
      wafStatus: AccessLogField.contextWafResponseCode(),
      principal: AccessLogField.contextAuthorizerPrincipalId(),
      xrayTraceId: AccessLogField.contextXrayTraceId(),
    }),
  );
}

/** The web ACL's key of the SCIM throttling body. */
const SCIM_THROTTLED_BODY = 'ScimThrottled';

/**
 * A SCIM endpoint's path as WAF sees it: the path the client sent, `/<stage>/scim/v2/...` on the
 * execute-api URL and `/scim/v2/...` (or `/<base path>/scim/v2/...`) behind a custom domain.
 */
export const SCIM_PATH_PATTERN = `^(/[^/]+)?${SCIM_BASE_PATH}(/|$)`;

function scimPathStatement(): CfnWebACL.StatementProperty {
  return {
    regexMatchStatement: {
      regexString: SCIM_PATH_PATTERN,
      fieldToMatch: { uriPath: {} },
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

function visibility(metricName: string): CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

function managedRuleGroup(
  priority: number,
  name: string,
  ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[],
): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
    visibilityConfig: visibility(name),
  };
}

/**
 * The Lambda proxy integration of a route, with API Gateway's permission to invoke the function kept beside
 * the function in its nested stack. `LambdaIntegration` would add that permission to LmsApi, one per route,
 * and LmsApi would reach CloudFormation's 500 resources with the methods and resources it must hold itself.
 * The permission names the same method ARN `LambdaIntegration` would (the route's method and path, path
 * parameters as `*`, on the stage). The stage is named, not referenced: the stage depends on the
 * deployment, the deployment on the methods, and the methods on the function stacks.
 */
function lambdaProxyIntegration(
  fn: LmsFunction,
  api: RestApi,
  route: RouteDefinition,
  stageName: string,
): AwsIntegration {
  fn.addPermission('ApiInvoke', {
    principal: new ServicePrincipal('apigateway.amazonaws.com'),
    sourceArn: api.arnForExecuteApi(route.method, route.path.replace(/\{[^}]*\}/g, '*'), stageName),
  });
  return new AwsIntegration({
    proxy: true,
    service: 'lambda',
    path: `2015-03-31/functions/${fn.functionArn}/invocations`,
  });
}

/**
 * Construct id of the nested stack of a route tag: `Functions` and the tag's words in PascalCase, without
 * anything CloudFormation would not take in a logical id (`Catalog` -> `FunctionsCatalog`, `Learning paths`
 * -> `FunctionsLearningPaths`). Two tags that differ only in punctuation share a stack.
 */
export function functionStackId(tag: string): string {
  const words = tag.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  return `Functions${name || 'Untagged'}`;
}

/** Two routes with one id or one method+path would silently shadow each other; refuse them. */
function assertUniqueRoutes(routes: readonly RouteDefinition[]): void {
  const ids = new Set<string>();
  const endpoints = new Set<string>();
  for (const route of routes) {
    const endpoint = `${route.method} ${route.path}`;
    if (ids.has(route.id)) throw new Error(`Route id "${route.id}" is declared twice in the route manifest.`);
    if (endpoints.has(endpoint))
      throw new Error(`Route ${endpoint} is declared twice in the route manifest.`);
    ids.add(route.id);
    endpoints.add(endpoint);
  }
}
