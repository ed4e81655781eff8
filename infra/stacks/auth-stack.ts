/**
 * LmsAuth: the Cognito user pool people sign in with, one group per LMS role, and the web app client.
 * The pool holds identities, so it is retained and protected from deletion like the data stack's resources.
 *
 * The pool's Lambda triggers are here too: one LmsFunction per `cognito-trigger` job of the job manifest
 * (construct id = job id), bound to exactly what the job declares in `needs`, sized as the job says. They
 * cannot live in LmsJobs: the pool's LambdaConfig names the function and the function's invoke permission
 * names the pool, so the two stacks would reference each other. They reach the table of LmsData, which
 * references nothing here. A trigger that needs the pool itself gets it through a separate IAM policy and
 * without `USER_POOL_ID` (Cognito passes `userPoolId` in every trigger event): see `triggerOfUserPool`.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  type IUserPool,
  type IUserPoolClient,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolClientIdentityProvider,
  UserPoolOperation,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/config.ts';
import { API_SCOPES, RESOURCE_SERVER, SCOPE_NAMES } from '../../shared/domain/api-scopes.ts';
import { COGNITO_ATTRIBUTE } from '../../shared/domain/identity-provider.ts';
import { ROLES, type Role } from '../../shared/domain/principal.ts';
import { type CognitoTriggerJob, type JobDefinition, jobs as manifest } from '../../shared/jobs/manifest.ts';
import { LmsFunction } from '../constructs/lms-function.ts';
import { assertUniqueJobs, isOfKind, jobFunctionProps } from './jobs-stack.ts';

export interface AuthStackProps extends StackProps {
  /** Where the web app receives the authorization code. @default ['http://localhost:5173/auth/callback'] */
  readonly callbackUrls?: readonly string[];
  /** Where the web app lands after sign-out. @default ['http://localhost:5173/'] */
  readonly logoutUrls?: readonly string[];
  /**
   * Prefix of the Cognito-hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`); it must be unique
   * in the region, so it is only created when given.
   * @default - no hosted domain
   */
  readonly domainPrefix?: string;
  /** The single table, for the Cognito triggers whose `needs` name it. @default - none */
  readonly table?: ITable;
  /** The jobs whose `cognito-trigger` ones this stack runs. @default the job manifest (`shared/jobs/manifest.ts`) */
  readonly jobs?: readonly JobDefinition[];
}

/**
 * The pool operation of each trigger the manifest may name. PreTokenGeneration is attached as the V1_0 trigger
 * (LambdaConfig `PreTokenGeneration`): it shapes the ID token's claims, which is all the LMS needs.
 */
const TRIGGER_OPERATIONS: Readonly<Record<CognitoTriggerJob['trigger']['operation'], UserPoolOperation>> = {
  PreSignUp: UserPoolOperation.PRE_SIGN_UP,
  PostConfirmation: UserPoolOperation.POST_CONFIRMATION,
  PreTokenGeneration: UserPoolOperation.PRE_TOKEN_GENERATION,
  PostAuthentication: UserPoolOperation.POST_AUTHENTICATION,
};

/** Group precedence: the lowest number wins when a user is in several groups. */
const PRECEDENCE: Readonly<Record<Role, number>> = { admin: 0, manager: 10, instructor: 20, learner: 30 };

const GROUP_DESCRIPTION: Readonly<Record<Role, string>> = {
  admin: 'LMS administrators: full access',
  manager: 'Managers: people and reports of their department subtree',
  instructor: 'Instructors: the courses they own',
  learner: 'Learners: their own profile, enrollments and progress',
};

/**
 * What people may write to their own login through the web client (UpdateUserAttributes with its access
 * token): exactly the attributes an identity provider may map into (COGNITO_ATTRIBUTE). Cognito rewrites the
 * mapped attributes at every federated sign-in through the app client and fails the sign-in when that client
 * may not write one, and the web client is the one people sign in through with SSO (the providers are added
 * to it at run time, keeping these settings). So `email` and the custom attributes cannot be withheld here.
 * What keeps them safe:
 * - `email`, by which the LMS identifies a person: the pool keeps the original address until the new one is
 *   verified with a code sent to it (`keepOriginal`), and `email_verified` is not writable, so a person can
 *   only move their login to an address they receive mail at.
 * - The custom attributes are read only when a federated first sign-in is provisioned, from the values the
 *   IdP has just written; a value a person sets later is never read.
 * Everything else (phone, address, `email_verified`, ...) is not writable.
 */
const PERSON_WRITABLE_ATTRIBUTES = new ClientAttributes()
  .withStandardAttributes({ email: true, givenName: true, familyName: true })
  .withCustomAttributes(
    ...Object.values(COGNITO_ATTRIBUTE).filter((attribute) => attribute.startsWith('custom:')),
  );

export class AuthStack extends Stack {
  readonly userPool: IUserPool;
  readonly webClient: IUserPoolClient;
  /** The hosted sign-in page, when a domain prefix was given. */
  readonly hostedUi?: { readonly domain: string; readonly callbackUrl: string };
  /** The function of each cognito-trigger job, by job id. */
  readonly triggerFunctions: ReadonlyMap<string, LmsFunction>;

  constructor(scope: Construct, id: string, props: AuthStackProps = {}) {
    super(scope, id, props);

    const pool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // An email change takes effect only once the new address is verified (see PERSON_WRITABLE_ATTRIBUTES).
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // What identity providers map into (see COGNITO_ATTRIBUTE): the LMS reads them when provisioning.
      customAttributes: {
        department: new StringAttribute({ mutable: true, maxLen: 256 }),
        employee_id: new StringAttribute({ mutable: true, maxLen: 256 }),
        idp_groups: new StringAttribute({ mutable: true, maxLen: 2048 }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is OPTIONAL (TOTP only) at pool level by product decision: most users are learners, many without an authenticator app, and must not be forced into MFA. The admin role requires it: the pre-token-generation trigger (ADMIN_MFA=required) issues tokens without the admin group, and with lms_admin_mfa=setup-required, to any native login in the admin group that has not turned TOTP on; once it is on, Cognito asks for a TOTP code at every sign-in, and only a token issued right after such a sign-in carries the admin group: a refreshed one does not (lms_admin_mfa=reauthenticate), so admin lasts one ID-token lifetime. Federated admins get MFA from their identity provider. Threat protection (PLUS plan, ENFORCED) challenges or blocks risky sign-ins for every user.',
    });

    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `Group${role[0]?.toUpperCase()}${role.slice(1)}`, {
        userPoolId: pool.userPoolId,
        groupName: role,
        description: GROUP_DESCRIPTION[role],
        precedence: PRECEDENCE[role],
      });
    }

    const webClient = pool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        // aws.cognito.signin.user.admin: the access token from the hosted sign-in can then set up TOTP
        // (AssociateSoftwareToken), which an admin needs before their token carries the admin role.
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE, OAuthScope.COGNITO_ADMIN],
        callbackUrls: [...(props.callbackUrls ?? ['http://localhost:5173/auth/callback'])],
        logoutUrls: [...(props.logoutUrls ?? ['http://localhost:5173/'])],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // Readable: Cognito's default (every attribute), which the ID token and userInfo carry.
      writeAttributes: PERSON_WRITABLE_ATTRIBUTES,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    // The scopes machine clients hold (POST /api-clients creates their app clients at run time).
    new UserPoolResourceServer(this, 'ApiScopes', {
      userPool: pool,
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: 'LMS administration API',
      scopes: SCOPE_NAMES.map(
        (name) =>
          new ResourceServerScope({
            scopeName: name.slice(RESOURCE_SERVER.length + 1),
            scopeDescription: API_SCOPES[name],
          }),
      ),
    });

    if (props.domainPrefix) {
      pool.addDomain('HostedDomain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
      this.hostedUi = {
        domain: `${props.domainPrefix}.auth.${this.region}.amazoncognito.com`,
        callbackUrl: props.callbackUrls?.[0] ?? 'http://localhost:5173/auth/callback',
      };
    }

    this.userPool = pool;
    this.webClient = webClient;
    this.triggerFunctions = this.addTriggers(pool, props);

    new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: webClient.userPoolClientId });
  }

  /**
   * One function per cognito-trigger job, attached to its pool operation. `addTrigger` also adds the Lambda
   * permission for cognito-idp.amazonaws.com, with this pool's ARN as its source ARN.
   *
   * A trigger's `needs.userPool` is bound with `triggerOfUserPool`: the pool's LambdaConfig names the
   * function, so the function must not wait for anything naming the pool. Its pool actions go into a separate
   * IAM policy on its role (scoped to this pool's ARN) rather than the role's default policy, and it gets no
   * USER_POOL_ID variable: its handler reads the pool id from the trigger event's `userPoolId`.
   */
  private addTriggers(pool: UserPool, props: AuthStackProps): ReadonlyMap<string, LmsFunction> {
    const jobs = props.jobs ?? manifest;
    assertUniqueJobs(jobs);
    const functions = new Map<string, LmsFunction>();
    for (const job of jobs) {
      if (!isOfKind(job, 'cognito-trigger')) continue;
      const fn = new LmsFunction(this, job.id, jobFunctionProps(job)).bindNeeds(
        job.needs,
        { table: props.table, userPool: pool },
        { triggerOfUserPool: true },
      );
      // Admin tokens require TOTP on native logins (see the AwsSolutions-COG2 reason above). The local stack
      // leaves ADMIN_MFA unset (off): cognito-local has no TOTP.
      if (job.trigger.operation === 'PreTokenGeneration') fn.addEnvironment(ENV.adminMfa, 'required');
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: `Cognito invokes this ${job.trigger.operation} trigger synchronously and waits for its answer (failing the sign-in or token request if it errs or times out): a DeadLetterConfig or on-failure destination applies to asynchronous invocations only and would never receive anything.`,
      });
      pool.addTrigger(TRIGGER_OPERATIONS[job.trigger.operation], fn);
      functions.set(job.id, fn);
    }
    return functions;
  }
}
