/**
 * LmsAuth: the Cognito user pool people sign in with, one group per LMS role, and the web app client.
 * The pool holds identities, so it is retained and protected from deletion like the data stack's resources.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  type IUserPool,
  type IUserPoolClient,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { ROLES, type Role } from '../../shared/http/route.ts';

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
}

/** Group precedence: the lowest number wins when a user is in several groups. */
const PRECEDENCE: Readonly<Record<Role, number>> = { admin: 0, manager: 10, instructor: 20, learner: 30 };

const GROUP_DESCRIPTION: Readonly<Record<Role, string>> = {
  admin: 'LMS administrators: full access',
  manager: 'Managers: people and reports of their department subtree',
  instructor: 'Instructors: the courses they own',
  learner: 'Learners: their own profile, enrollments and progress',
};

export class AuthStack extends Stack {
  readonly userPool: IUserPool;
  readonly webClient: IUserPoolClient;

  constructor(scope: Construct, id: string, props: AuthStackProps = {}) {
    super(scope, id, props);

    const pool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
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
        'MFA is OPTIONAL (TOTP only) by product decision: most users are learners, many without an authenticator app; requiring MFA would lock them out. Threat protection (PLUS plan, ENFORCED) challenges or blocks risky sign-ins for every user.',
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
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [...(props.callbackUrls ?? ['http://localhost:5173/auth/callback'])],
        logoutUrls: [...(props.logoutUrls ?? ['http://localhost:5173/'])],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    if (props.domainPrefix) {
      pool.addDomain('HostedDomain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    }

    this.userPool = pool;
    this.webClient = webClient;

    new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: webClient.userPoolClientId });
  }
}
