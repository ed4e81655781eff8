/**
 * The Cognito trigger handlers with realistic events for every trigger source they handle; the table answers
 * through aws-sdk-client-mock in DynamoDB's own shapes. (End to end against cognito-local: test/e2e/identity.)
 */
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  PostAuthenticationTriggerEvent,
  PostConfirmationTriggerEvent,
  PreSignUpTriggerEvent,
  PreTokenGenerationTriggerEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetSettingsCache } from '../../shared/config.ts';
import { logger } from '../../shared/http/logger.ts';
import * as jobs from '../../shared/jobs/manifest.ts';
import { departmentPath, keys } from '../../shared/store/keys.ts';
import { recordMockedCalls } from '../support/aws-calls.ts';

const table = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const IDP_ID = '7c6b5a49-3827-4615-a4b3-c2d1e0f9a8b7';
const USER_ID = '3f1c2b9e-5a4d-4c1e-9f7a-2b8d6e0c1a55';
const DEPARTMENT_ID = '9a7b6c5d-4e3f-4a1b-8c2d-1e0f9a8b7c6d';
/** The native login of the events below, and a federated (Okta) one. */
const NATIVE_SUB = 'b2c1d0e9-0000-4000-8000-00000000aaaa';
const FEDERATED_SUB = 'c3d2e1f0-0000-4000-8000-00000000bbbb';

function user(status: 'active' | 'suspended', linkedTo: string | null = NATIVE_SUB) {
  return {
    ...keys.user(USER_ID),
    entity: 'user',
    id: USER_ID,
    email: 'dana@corp.example',
    givenName: 'Dana',
    familyName: 'Diaz',
    departmentId: DEPARTMENT_ID,
    managerId: null,
    jobTitle: null,
    location: null,
    externalId: null,
    hireDate: null,
    customAttributes: {},
    status,
    suspendedAt: status === 'suspended' ? '2026-11-01T00:00:00.000Z' : null,
    suspensionReason: status === 'suspended' ? 'Left' : null,
    linkedLogin: linkedTo
      ? { sub: linkedTo, username: linkedTo, linkedAt: '2026-01-01T00:00:00.000Z', by: 'migration' }
      : null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
  };
}

/**
 * The table holding Dana's profile (by email), linked to the login `linkedTo` (the native one unless said),
 * or no profile at all (`unknown`).
 */
function answerAs(status: 'active' | 'suspended' | 'unknown', linkedTo: string | null = NATIVE_SUB) {
  table.on(GetCommand).resolves({});
  table
    .on(GetCommand, { Key: keys.unique('email', 'dana@corp.example') })
    .resolves(
      status === 'unknown'
        ? {}
        : { Item: { ...keys.unique('email', 'dana@corp.example'), ownerId: USER_ID } },
    );
  if (status === 'unknown') return;
  table.on(GetCommand, { Key: keys.user(USER_ID) }).resolves({ Item: user(status, linkedTo) });
  if (linkedTo)
    table
      .on(GetCommand, { Key: keys.unique('login', linkedTo) })
      .resolves({ Item: { ...keys.unique('login', linkedTo), ownerId: USER_ID } });
}

const TOKEN_SOURCES = [
  'TokenGeneration_HostedAuth',
  'TokenGeneration_Authentication',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
  'TokenGeneration_RefreshTokens',
] as const;

function preTokenEvent(triggerSource: (typeof TOKEN_SOURCES)[number], groups?: string[]) {
  return {
    version: '1',
    triggerSource,
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_AbCdEf123',
    userName: 'b2c1d0e9-0000-4000-8000-00000000aaaa',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '5t6u7v8w9x' },
    request: {
      userAttributes: {
        sub: 'b2c1d0e9-0000-4000-8000-00000000aaaa',
        email: 'dana@corp.example',
        email_verified: 'true',
        'cognito:user_status': 'CONFIRMED',
      },
      groupConfiguration: {
        groupsToOverride: groups ?? [],
        iamRolesToOverride: [],
        preferredRole: undefined,
      },
    },
    response: { claimsOverrideDetails: {} },
  } as unknown as PreTokenGenerationTriggerEvent;
}

/** The V1 event of a federated login (Cognito user `Okta_<id>`, status EXTERNAL_PROVIDER) in these groups. */
function federatedPreTokenEvent(
  groups: string[],
  source: (typeof TOKEN_SOURCES)[number] = 'TokenGeneration_HostedAuth',
) {
  const event = preTokenEvent(source, groups);
  return {
    ...event,
    userName: 'Okta_00u1abcd',
    request: {
      ...event.request,
      userAttributes: {
        sub: FEDERATED_SUB,
        email: 'dana@corp.example',
        email_verified: 'false',
        'cognito:user_status': 'EXTERNAL_PROVIDER',
        identities:
          '[{"userId":"00u1abcd","providerName":"Okta","providerType":"SAML","issuer":null,"primary":"true","dateCreated":"1764288000000"}]',
      },
    },
  } as PreTokenGenerationTriggerEvent;
}

/** AdminGetUser's answer for the native login of the events above, with these MFA methods turned on. */
function answerLoginWithMfa(methods: string[]) {
  cognito.on(AdminGetUserCommand).resolves({
    Username: 'b2c1d0e9-0000-4000-8000-00000000aaaa',
    UserAttributes: [
      { Name: 'sub', Value: 'b2c1d0e9-0000-4000-8000-00000000aaaa' },
      { Name: 'email', Value: 'dana@corp.example' },
      { Name: 'email_verified', Value: 'true' },
    ],
    UserCreateDate: new Date('2026-01-01T00:00:00.000Z'),
    UserLastModifiedDate: new Date('2026-11-28T00:00:00.000Z'),
    Enabled: true,
    UserStatus: 'CONFIRMED',
    ...(methods.length > 0 ? { UserMFASettingList: methods, PreferredMfaSetting: methods[0] } : {}),
  });
}

let preToken: (event: PreTokenGenerationTriggerEvent) => Promise<PreTokenGenerationTriggerEvent>;
let postAuthentication: (event: PostAuthenticationTriggerEvent) => Promise<PostAuthenticationTriggerEvent>;
let preSignUp: (event: PreSignUpTriggerEvent) => Promise<PreSignUpTriggerEvent>;
let postConfirmation: (event: PostConfirmationTriggerEvent) => Promise<PostConfirmationTriggerEvent>;

beforeAll(async () => {
  process.env.TABLE_NAME = 'lms-test';
  // As CDK deploys the pre-token trigger; the "off" case imports a handler of its own (see below).
  process.env.ADMIN_MFA = 'required';
  resetSettingsCache();
  preToken = (await import('../../functions/identity/pre-token-generation.ts')).handler;
  postAuthentication = (await import('../../functions/identity/post-authentication.ts')).handler;
  preSignUp = (await import('../../functions/identity/pre-sign-up.ts')).handler;
  postConfirmation = (await import('../../functions/identity/post-confirmation.ts')).handler;
});
beforeEach(() => {
  table.reset();
  cognito.reset();
});
afterAll(() => {
  table.restore();
  cognito.restore();
  delete process.env.TABLE_NAME;
  delete process.env.ADMIN_MFA;
  resetSettingsCache();
});

describe('pre token generation', () => {
  afterEach(() => recordMockedCalls(jobs.preTokenGeneration.handler, table, cognito));
  it.each(TOKEN_SOURCES)('adds the LMS claims on %s', async (source) => {
    answerAs('active');
    const event = await preToken(preTokenEvent(source, ['learner', 'instructor', 'Okta-imported']));
    expect(event.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({
      lms_user_id: USER_ID,
      lms_department_id: DEPARTMENT_ID,
      lms_roles: 'instructor,learner',
    });
  });

  it('refuses a token to a suspended LMS profile, saying why, and keeps the refusal in their history', async () => {
    answerAs('suspended');
    table.on(PutCommand).resolves({});
    await expect(preToken(preTokenEvent('TokenGeneration_Authentication'))).rejects.toThrow(/suspended/);
    const item = table.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({
      entity: 'sign-in',
      userId: USER_ID,
      outcome: 'refused',
      reason: 'suspended',
      method: 'password',
    });
    expect(String(item?.sk)).toMatch(/^SIGNIN#/);
  });

  it('adds nothing for a login without an LMS profile yet', async () => {
    answerAs('unknown');
    const event = await preToken(preTokenEvent('TokenGeneration_HostedAuth'));
    expect(event.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({});
  });
});

describe('pre token generation: who the login is, by its sub', () => {
  afterEach(() => recordMockedCalls(jobs.preTokenGeneration.handler, table, cognito));
  const linkWrites = () =>
    table.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);

  it('links a first sign-in to the profile its verified email names, once, with the login claimed uniquely', async () => {
    // Prepare: Dana's profile is linked to no login yet
    answerAs('active', null);
    table.on(TransactWriteCommand).resolves({});

    // Act
    const event = await preToken(preTokenEvent('TokenGeneration_Authentication', ['learner']));

    // Assess: the claim, the profile with its link, and the audit record, in one transaction
    expect(event.response.claimsOverrideDetails?.claimsToAddOrOverride).toMatchObject({
      lms_user_id: USER_ID,
    });
    const [writes] = linkWrites();
    expect(writes?.map((write) => Object.keys(write)[0])).toEqual(['Put', 'Put', 'Put']);
    expect(writes?.[0]?.Put).toMatchObject({
      Item: { id: USER_ID, linkedLogin: { sub: NATIVE_SUB, username: NATIVE_SUB, by: 'verified-email' } },
      ConditionExpression: 'version = :expected',
    });
    expect(writes?.[1]?.Put).toMatchObject({
      Item: { ...keys.unique('login', NATIVE_SUB), ownerId: USER_ID },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(writes?.[2]?.Put?.Item).toMatchObject({ entity: 'audit', action: 'user.login-linked' });
  });

  it('never links by an email the login has not verified: no LMS identity', async () => {
    // Prepare
    answerAs('active', null);
    const event = preTokenEvent('TokenGeneration_Authentication', ['manager']);
    event.request.userAttributes.email_verified = 'false';

    // Act
    const result = await preToken(event);

    // Assess
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({});
    expect(linkWrites()).toEqual([]);
  });

  it("never links a federated login by an email outside its provider's domains", async () => {
    // Prepare: Okta speaks for corp.example only; this login says it is dana@corp.example but comes from Rogue
    const ROGUE_ID = '6d6d6d6d-0000-4000-8000-000000000000';
    answerAs('active', null);
    routeDomainToOkta();
    table.on(GetCommand, { Key: keys.unique('idpName', 'rogue') }).resolves({ Item: { ownerId: ROGUE_ID } });
    table
      .on(GetCommand, { Key: keys.identityProvider(ROGUE_ID) })
      .resolves({ Item: providerItem(ROGUE_ID, 'Rogue', ['rogue.example'], [], false) });
    const event = federatedPreTokenEvent(['learner']);
    event.userName = 'Rogue_42';
    event.request.userAttributes.identities =
      '[{"userId":"42","providerName":"Rogue","providerType":"OIDC"}]';

    // Act
    const result = await preToken(event);

    // Assess
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toEqual({});
    expect(linkWrites()).toEqual([]);
  });

  it('is the linked profile whatever email the token carries: an email changed at the IdP moves nothing', async () => {
    // Prepare: the login is linked to Dana's profile; the IdP now says it is someone else's address
    answerAs('active');
    table
      .on(GetCommand, { Key: keys.unique('email', 'sam@corp.example') })
      .resolves({ Item: { ownerId: '5e5e5e5e-0000-4000-8000-000000000000' } });
    const event = preTokenEvent('TokenGeneration_Authentication', ['manager']);
    event.request.userAttributes.email = 'sam@corp.example';

    // Act
    const result = await preToken(event);

    // Assess
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toMatchObject({
      lms_user_id: USER_ID,
    });
    expect(linkWrites()).toEqual([]);
  });
});

describe('pre token generation: the admin role requires TOTP (ADMIN_MFA=required)', () => {
  afterEach(() => recordMockedCalls(jobs.preTokenGeneration.handler, table, cognito));
  it.each(TOKEN_SOURCES)(
    'holds the admin group back from a native admin login without TOTP on %s, and says why',
    async (source) => {
      // Prepare
      answerAs('active');
      answerLoginWithMfa([]);

      // Act
      const event = await preToken(preTokenEvent(source, ['admin', 'learner']));

      // Assess: a token (never a refusal), without admin in its groups or LMS roles
      expect(cognito.commandCalls(AdminGetUserCommand).map((call) => call.args[0].input)).toEqual([
        { UserPoolId: 'eu-west-1_AbCdEf123', Username: 'b2c1d0e9-0000-4000-8000-00000000aaaa' },
      ]);
      expect(event.response.claimsOverrideDetails).toEqual({
        claimsToAddOrOverride: {
          lms_user_id: USER_ID,
          lms_department_id: DEPARTMENT_ID,
          lms_roles: 'learner',
          lms_admin_mfa: 'setup-required',
        },
        groupOverrideDetails: { groupsToOverride: ['learner'], iamRolesToOverride: [] },
      });
    },
  );

  it('keeps the IAM roles and preferred role Cognito sent when it holds the admin group back', async () => {
    // Prepare
    answerAs('active');
    answerLoginWithMfa([]);
    const event = preTokenEvent('TokenGeneration_Authentication', ['admin']);
    event.request.groupConfiguration = {
      groupsToOverride: ['admin'],
      iamRolesToOverride: ['arn:aws:iam::123456789012:role/lms-admin'],
      preferredRole: 'arn:aws:iam::123456789012:role/lms-admin',
    };

    // Act
    const result = await preToken(event);

    // Assess
    expect(result.response.claimsOverrideDetails?.groupOverrideDetails).toEqual({
      groupsToOverride: [],
      iamRolesToOverride: ['arn:aws:iam::123456789012:role/lms-admin'],
      preferredRole: 'arn:aws:iam::123456789012:role/lms-admin',
    });
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toMatchObject({
      lms_roles: '',
      lms_admin_mfa: 'setup-required',
    });
  });

  it.each([
    'TokenGeneration_Authentication',
    'TokenGeneration_HostedAuth',
    'TokenGeneration_NewPasswordChallenge',
  ] as const)(
    'leaves the token of a native admin login with TOTP as it is on %s (Cognito just asked for a TOTP code)',
    async (source) => {
      // Prepare
      answerAs('active');
      answerLoginWithMfa(['SOFTWARE_TOKEN_MFA']);

      // Act
      const event = await preToken(preTokenEvent(source, ['admin', 'learner']));

      // Assess
      expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(1);
      expect(event.response.claimsOverrideDetails).toEqual({
        claimsToAddOrOverride: {
          lms_user_id: USER_ID,
          lms_department_id: DEPARTMENT_ID,
          lms_roles: 'admin,learner',
        },
      });
    },
  );

  it.each(['TokenGeneration_RefreshTokens', 'TokenGeneration_AuthenticateDevice'] as const)(
    'holds the admin group back from a native admin login with TOTP on %s (no TOTP challenge), asking for a fresh sign-in',
    async (source) => {
      // Prepare: e.g. a refresh token taken with the password alone before TOTP was turned on
      answerAs('active');
      answerLoginWithMfa(['SOFTWARE_TOKEN_MFA']);

      // Act
      const event = await preToken(preTokenEvent(source, ['admin', 'learner']));

      // Assess: a token with the other groups, without admin, saying why
      expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(1);
      expect(event.response.claimsOverrideDetails).toEqual({
        claimsToAddOrOverride: {
          lms_user_id: USER_ID,
          lms_department_id: DEPARTMENT_ID,
          lms_roles: 'learner',
          lms_admin_mfa: 'reauthenticate',
        },
        groupOverrideDetails: { groupsToOverride: ['learner'], iamRolesToOverride: [] },
      });
    },
  );

  it('holds the admin group back on a trigger source it does not know, even with TOTP', async () => {
    // Prepare
    answerAs('active');
    answerLoginWithMfa(['SOFTWARE_TOKEN_MFA']);
    const event = preTokenEvent('TokenGeneration_Authentication', ['admin']);
    (event as { triggerSource: string }).triggerSource = 'TokenGeneration_SomethingNew';

    // Act
    const result = await preToken(event);

    // Assess
    expect(result.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual([]);
    expect(result.response.claimsOverrideDetails?.claimsToAddOrOverride).toMatchObject({
      lms_roles: '',
      lms_admin_mfa: 'reauthenticate',
    });
  });

  it("refreshes a learner's token without asking Cognito, with its groups as they are", async () => {
    // Prepare
    answerAs('active');

    // Act
    const event = await preToken(preTokenEvent('TokenGeneration_RefreshTokens', ['learner']));

    // Assess
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
    expect(event.response.claimsOverrideDetails).toEqual({
      claimsToAddOrOverride: { lms_user_id: USER_ID, lms_department_id: DEPARTMENT_ID, lms_roles: 'learner' },
    });
  });

  it('checks a native login that an identity provider was linked to (its own user name, its own MFA)', async () => {
    // Prepare: the native login, with Okta linked to it (the identities attribute), and no TOTP
    answerAs('active');
    answerLoginWithMfa([]);
    const event = preTokenEvent('TokenGeneration_HostedAuth', ['admin']);
    event.request.userAttributes.identities =
      '[{"userId":"00u1abcd","providerName":"Okta","providerType":"SAML","issuer":null,"primary":"false","dateCreated":"1764288000000"}]';

    // Act
    const result = await preToken(event);

    // Assess
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(1);
    expect(result.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual([]);
  });

  it.each(['TokenGeneration_HostedAuth', 'TokenGeneration_RefreshTokens'] as const)(
    "leaves a federated admin's token as it is on %s without asking Cognito: the identity provider owns MFA",
    async (source) => {
      // Prepare
      answerAs('active', FEDERATED_SUB);

      // Act
      const event = await preToken(federatedPreTokenEvent(['admin'], source));

      // Assess
      expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
      expect(event.response.claimsOverrideDetails).toEqual({
        claimsToAddOrOverride: { lms_user_id: USER_ID, lms_department_id: DEPARTMENT_ID, lms_roles: 'admin' },
      });
    },
  );

  it('does not ask Cognito about a login outside the admin group', async () => {
    // Prepare
    answerAs('active');

    // Act
    const event = await preToken(preTokenEvent('TokenGeneration_RefreshTokens', ['manager', 'learner']));

    // Assess
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
    expect(event.response.claimsOverrideDetails).toEqual({
      claimsToAddOrOverride: {
        lms_user_id: USER_ID,
        lms_department_id: DEPARTMENT_ID,
        lms_roles: 'manager,learner',
      },
    });
  });

  it("holds the admin group back, still issuing a token, when the login's MFA methods cannot be read", async () => {
    // Prepare
    answerAs('active');
    cognito
      .on(AdminGetUserCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));

    // Act
    const event = await preToken(preTokenEvent('TokenGeneration_Authentication', ['admin', 'learner']));

    // Assess
    expect(event.response.claimsOverrideDetails?.groupOverrideDetails?.groupsToOverride).toEqual(['learner']);
    expect(event.response.claimsOverrideDetails?.claimsToAddOrOverride).toMatchObject({
      lms_roles: 'learner',
      lms_admin_mfa: 'unverified',
    });
  });

  it('leaves admin tokens as they are when ADMIN_MFA is unset (the local stack: cognito-local has no TOTP)', async () => {
    // Prepare: a cold start of the trigger without the setting
    delete process.env.ADMIN_MFA;
    vi.resetModules();
    const { handler: localPreToken } = await import('../../functions/identity/pre-token-generation.ts');
    process.env.ADMIN_MFA = 'required';
    answerAs('active');
    answerLoginWithMfa([]);

    // Act
    const event = await localPreToken(preTokenEvent('TokenGeneration_Authentication', ['admin', 'learner']));

    // Assess
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
    expect(event.response.claimsOverrideDetails).toEqual({
      claimsToAddOrOverride: {
        lms_user_id: USER_ID,
        lms_department_id: DEPARTMENT_ID,
        lms_roles: 'admin,learner',
      },
    });
  });

  it('refuses to start with an ADMIN_MFA it does not know, naming the value', async () => {
    // Prepare
    process.env.ADMIN_MFA = 'yes';
    vi.resetModules();

    // Act + Assess
    await expect(import('../../functions/identity/pre-token-generation.ts')).rejects.toThrow(
      /Invalid ADMIN_MFA "yes"/,
    );
    process.env.ADMIN_MFA = 'required';
  });
});

function postAuthenticationEvent(email: string) {
  return {
    version: '1',
    triggerSource: 'PostAuthentication_Authentication',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_AbCdEf123',
    userName: NATIVE_SUB,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '5t6u7v8w9x' },
    request: { userAttributes: { email, email_verified: 'true', sub: NATIVE_SUB }, newDeviceUsed: false },
    response: {},
  } as PostAuthenticationTriggerEvent;
}

describe('post authentication', () => {
  it("follows a login's new verified email with an audited change of the profile, when no one else holds it", async () => {
    // Prepare
    answerAs('active');
    table.on(PutCommand).resolves({});
    table.on(TransactWriteCommand).resolves({});

    // Act
    await postAuthentication(postAuthenticationEvent('dana.diaz@corp.example'));

    // Assess: the old email released, the new one claimed, with the audit record
    const writes = table.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(writes[0]?.Put?.Item).toMatchObject({ id: USER_ID, email: 'dana.diaz@corp.example' });
    expect(writes.map((write) => write.Delete?.Key ?? write.Put?.Item?.pk)).toContainEqual(
      keys.unique('email', 'dana@corp.example'),
    );
    expect(writes.at(-1)?.Put?.Item).toMatchObject({ entity: 'audit', action: 'user.updated' });
  });

  it('keeps the profile as it is when the new email is not verified', async () => {
    // Prepare
    answerAs('active');
    table.on(PutCommand).resolves({});
    const event = postAuthenticationEvent('dana.diaz@corp.example');
    event.request.userAttributes.email_verified = 'false';

    // Act
    await postAuthentication(event);

    // Assess: the sign-in is recorded, nothing else
    expect(table.commandCalls(PutCommand)).toHaveLength(1);
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  afterEach(() => recordMockedCalls(jobs.postAuthentication.handler, table, cognito));
  it('records no success for a suspended profile: the token trigger refuses it next, and records that', async () => {
    answerAs('suspended');
    table.on(PutCommand).resolves({});
    await postAuthentication(postAuthenticationEvent('dana@corp.example'));
    expect(table.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('records the sign-in with the app client, kept 90 days', async () => {
    answerAs('active');
    table.on(PutCommand).resolves({});
    await postAuthentication({
      version: '1',
      triggerSource: 'PostAuthentication_Authentication',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_AbCdEf123',
      userName: 'b2c1d0e9-0000-4000-8000-00000000aaaa',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '5t6u7v8w9x' },
      request: { userAttributes: { email: 'dana@corp.example', sub: NATIVE_SUB }, newDeviceUsed: false },
      response: {},
    } as PostAuthenticationTriggerEvent);
    const item = table.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({
      entity: 'sign-in',
      userId: USER_ID,
      clientId: '5t6u7v8w9x',
      outcome: 'succeeded',
      reason: null,
      method: 'password',
    });
    expect(String(item?.sk)).toMatch(/^SIGNIN#/);
    const days = (Number(item?.expiresAt) - Date.parse(String(item?.at)) / 1000) / 86_400;
    expect(Math.round(days)).toBe(90);
  });
});

function signUpEvent(triggerSource: PreSignUpTriggerEvent['triggerSource'], userName: string) {
  return {
    version: '1',
    triggerSource,
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_AbCdEf123',
    userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '5t6u7v8w9x' },
    request: { userAttributes: { email: 'dana@corp.example', given_name: 'Dana' }, validationData: {} },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  } as unknown as PreSignUpTriggerEvent;
}

/** An identity provider as the table holds it. */
function providerItem(
  id: string,
  name: string,
  domains: string[],
  groupRules: unknown[],
  trustedForAdmins: boolean,
) {
  return {
    ...keys.identityProvider(id),
    id,
    name,
    type: 'SAML',
    domains,
    attributeMapping: { email: 'email' },
    groupRules,
    trustedForAdmins,
    saml: { entityId: 'x', singleSignOnUrls: [], signingCertificates: [] },
    oidc: null,
    sync: { status: 'synced', at: '2026-11-28T00:00:00.000Z', message: '' },
    warnings: [],
    createdAt: '2026-11-28T00:00:00.000Z',
    updatedAt: '2026-11-28T00:00:00.000Z',
    version: 1,
  };
}

/** corp.example routed to the identity provider "Okta" (with these group rules). */
function routeDomainToOkta(groupRules: unknown[] = [], trustedForAdmins = false) {
  table
    .on(GetCommand, { Key: keys.unique('idpDomain', 'corp.example') })
    .resolves({ Item: { ownerId: IDP_ID } });
  table
    .on(GetCommand, { Key: keys.identityProvider(IDP_ID) })
    .resolves({ Item: providerItem(IDP_ID, 'Okta', ['corp.example'], groupRules, trustedForAdmins) });
}

describe('pre sign-up', () => {
  afterEach(() => recordMockedCalls(jobs.preSignUp.handler, table, cognito));
  it.each(['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider'] as const)(
    'refuses %s to a suspended LMS profile',
    async (source) => {
      answerAs('suspended');
      await expect(preSignUp(signUpEvent(source, 'Okta_00u1abcd'))).rejects.toThrow(/suspended/);
      expect(cognito.commandCalls(AdminLinkProviderForUserCommand)).toHaveLength(0);
    },
  );

  it('links a federated sign-in to the native login with the same email, when the domain is routed to that IdP', async () => {
    answerAs('active');
    routeDomainToOkta();
    cognito.on(ListUsersCommand).resolves({
      Users: [
        { Username: 'Okta_old', UserStatus: 'EXTERNAL_PROVIDER' },
        { Username: 'a1b2c3d4-native', UserStatus: 'CONFIRMED' },
      ],
    });
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'learner' }] });
    cognito.on(AdminLinkProviderForUserCommand).resolves({});
    await preSignUp(signUpEvent('PreSignUp_ExternalProvider', 'Okta_00u1abcd'));
    expect(cognito.commandCalls(ListUsersCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'eu-west-1_AbCdEf123',
      Filter: 'email = "dana@corp.example"',
      Limit: 10,
    });
    expect(cognito.commandCalls(AdminLinkProviderForUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'eu-west-1_AbCdEf123',
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'a1b2c3d4-native' },
      SourceUser: {
        ProviderName: 'Okta',
        ProviderAttributeName: 'Cognito_Subject',
        ProviderAttributeValue: '00u1abcd',
      },
    });
  });

  it.each([
    [false, 0],
    [true, 1],
  ])(
    'links a federated sign-in to a native admin login only when the provider is trusted for admins (trusted: %s)',
    async (trusted, links) => {
      // Prepare: the native login with the same email is an administrator
      answerAs('active');
      routeDomainToOkta([], trusted);
      cognito
        .on(ListUsersCommand)
        .resolves({ Users: [{ Username: 'a1b2c3d4-native', UserStatus: 'CONFIRMED' }] });
      cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'admin' }] });
      cognito.on(AdminLinkProviderForUserCommand).resolves({});

      // Act
      await preSignUp(signUpEvent('PreSignUp_ExternalProvider', 'Okta_00u1abcd'));

      // Assess: untrusted, the IdP login gets a login of its own, which is no one's profile
      expect(cognito.commandCalls(AdminLinkProviderForUserCommand)).toHaveLength(links);
    },
  );

  it('does not link for a provider the email domain is not routed to, nor for native sign-ups', async () => {
    answerAs('active');
    routeDomainToOkta();
    await preSignUp(signUpEvent('PreSignUp_ExternalProvider', 'Rogue_42'));
    await preSignUp(signUpEvent('PreSignUp_SignUp', 'dana@corp.example'));
    expect(cognito.commandCalls(ListUsersCommand)).toHaveLength(0);
    expect(cognito.commandCalls(AdminLinkProviderForUserCommand)).toHaveLength(0);
  });
});

describe('post confirmation', () => {
  afterEach(() => recordMockedCalls(jobs.postConfirmation.handler, table, cognito));
  function confirmEvent(userName: string, groups?: string, department?: string) {
    return {
      version: '1',
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_AbCdEf123',
      userName,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '5t6u7v8w9x' },
      request: {
        userAttributes: {
          sub: FEDERATED_SUB,
          email: 'dana@corp.example',
          given_name: 'Dana',
          family_name: 'Diaz',
          'custom:employee_id': 'E-7',
          ...(groups ? { 'custom:idp_groups': groups } : {}),
          ...(department !== undefined ? { 'custom:department': department } : {}),
          identities: '[{"userId":"00u1abcd","providerName":"Okta","providerType":"SAML","primary":"true"}]',
        },
      },
      response: {},
    } as unknown as PostConfirmationTriggerEvent;
  }

  it('provisions a federated first sign-in: profile, and the roles its group rules give', async () => {
    answerAs('unknown');
    table.on(GetCommand, { Key: keys.unique('idpName', 'okta') }).resolves({ Item: { ownerId: IDP_ID } });
    routeDomainToOkta([{ group: 'trainers', roles: ['instructor', 'learner'], cohortIds: [] }]);
    table.on(TransactWriteCommand).resolves({});
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [] });
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    await postConfirmation(confirmEvent('Okta_00u1abcd', 'trainers,everyone'));
    const created = table.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put?.Item;
    expect(created).toMatchObject({
      email: 'dana@corp.example',
      givenName: 'Dana',
      externalId: 'E-7',
      status: 'active',
    });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((call) => call.args[0].input)).toEqual([
      { UserPoolId: 'eu-west-1_AbCdEf123', Username: 'Okta_00u1abcd', GroupName: 'instructor' },
      { UserPoolId: 'eu-west-1_AbCdEf123', Username: 'Okta_00u1abcd', GroupName: 'learner' },
    ]);
  });

  it('leaves a native sign-up and a person who already has a profile alone', async () => {
    table.on(GetCommand).resolves({});
    answerAs('active');
    table.on(GetCommand, { Key: keys.unique('idpName', 'okta') }).resolves({ Item: { ownerId: IDP_ID } });
    routeDomainToOkta([{ group: 'trainers', roles: ['instructor'], cohortIds: [] }]);
    await postConfirmation(confirmEvent('dana@corp.example'));
    await postConfirmation(confirmEvent('Okta_00u1abcd', 'trainers'));
    expect(table.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
  });

  describe('puts the person in the department the IdP names (custom:department)', () => {
    const EMEA_ID = '0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a';
    const APAC_ID = '1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b';
    const EUROPE_ID = '2f3a4b5c-6d7e-4f8a-9b0c-1d2e3f4a5b6c';
    const PARTNERS_ID = '3a4b5c6d-7e8f-4a9b-8c1d-2e3f4a5b6c7d';

    /** A department item as the table holds it (gsi1 DEPARTMENTS, in tree order). */
    function departmentItem(id: string, name: string, parentId: string | null = null) {
      const ancestorIds = parentId ? [parentId] : [];
      return {
        ...keys.department(id),
        ...keys.departmentsByPath(departmentPath(ancestorIds, id)),
        entity: 'department',
        id,
        name,
        parentId,
        managerId: null,
        ancestorIds,
        memberCount: 0,
        childCount: 0,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        version: 1,
      };
    }

    /** A first sign-in Okta may provision; any other read finds nothing. */
    function answerFirstSignIn() {
      table.on(GetCommand).resolves({});
      answerAs('unknown');
      table.on(GetCommand, { Key: keys.unique('idpName', 'okta') }).resolves({ Item: { ownerId: IDP_ID } });
      routeDomainToOkta();
      table.on(TransactWriteCommand).resolves({});
      cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [] });
      cognito.on(AdminAddUserToGroupCommand).resolves({});
    }

    /** Runs the trigger; answers the department outcome it logged. */
    async function confirm(department?: string) {
      const info = vi.spyOn(logger, 'info');
      try {
        await postConfirmation(confirmEvent('Okta_00u1abcd', undefined, department));
        return (info.mock.calls.at(-1)?.[1] as { department?: unknown } | undefined)?.department;
      } finally {
        info.mockRestore();
      }
    }

    const writes = (call = 0) =>
      table.commandCalls(TransactWriteCommand)[call]?.args[0].input.TransactItems ?? [];
    const memberCounts = (call = 0) =>
      writes(call).filter((write) => write.Update?.UpdateExpression === 'ADD memberCount :delta');

    it('by id: the value is the id of a department', async () => {
      // Prepare
      answerFirstSignIn();
      table
        .on(GetCommand, { Key: keys.department(EMEA_ID) })
        .resolves({ Item: departmentItem(EMEA_ID, 'Sales EMEA') });
      // Act
      const outcome = await confirm(EMEA_ID);
      // Assess
      expect(outcome).toEqual({ matched: true, departmentId: EMEA_ID, by: 'id' });
      expect(writes()[0]?.Put?.Item).toMatchObject({ email: 'dana@corp.example', departmentId: EMEA_ID });
      expect(memberCounts().map((write) => write.Update?.Key)).toEqual([keys.department(EMEA_ID)]);
      expect(table.commandCalls(QueryCommand)).toHaveLength(0);
    });

    it('by name, ignoring case and surrounding whitespace, anywhere in the tree', async () => {
      // Prepare
      answerFirstSignIn();
      table.on(QueryCommand, { IndexName: 'gsi1' }).resolves({
        Items: [
          departmentItem(EUROPE_ID, 'Europe'),
          departmentItem(EMEA_ID, 'Sales EMEA', EUROPE_ID),
          departmentItem(APAC_ID, 'Sales APAC'),
        ],
      });
      // Act
      const outcome = await confirm('  sales emea ');
      // Assess
      expect(outcome).toEqual({ matched: true, departmentId: EMEA_ID, by: 'name' });
      expect(writes()[0]?.Put?.Item).toMatchObject({ departmentId: EMEA_ID });
      expect(memberCounts().map((write) => write.Update?.Key)).toEqual([keys.department(EMEA_ID)]);
      expect(table.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
        IndexName: 'gsi1',
        ExpressionAttributeValues: { ':pk': 'DEPARTMENTS' },
      });
    });

    it('a name two departments share (under different parents) matches neither: no department, and why', async () => {
      // Prepare: the two are on different pages of the index
      answerFirstSignIn();
      table
        .on(QueryCommand, { IndexName: 'gsi1' })
        .resolvesOnce({
          Items: [departmentItem(EUROPE_ID, 'Europe'), departmentItem(EMEA_ID, 'Sales EMEA', EUROPE_ID)],
          LastEvaluatedKey: { pk: `DEPT#${EMEA_ID}`, sk: 'DEPARTMENT', gsi1pk: 'DEPARTMENTS', gsi1sk: 'x' },
        })
        .resolvesOnce({
          Items: [
            departmentItem(PARTNERS_ID, 'Partners'),
            departmentItem(APAC_ID, 'sales emea', PARTNERS_ID),
          ],
        });
      // Act
      const outcome = await confirm('Sales EMEA');
      // Assess
      expect(outcome).toEqual({ matched: false, reason: '2 departments are named "Sales EMEA"' });
      expect(writes()[0]?.Put?.Item).toMatchObject({ email: 'dana@corp.example', departmentId: null });
      expect(memberCounts()).toEqual([]);
      expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(1);
    });

    it.each([
      ['a name no department has', 'Marketing', 'no department named "Marketing"'],
      ['an id no department has', PARTNERS_ID, `no department named "${PARTNERS_ID}"`],
    ])('%s: no department, and why; the sign-in goes on', async (_case, value, reason) => {
      // Prepare
      answerFirstSignIn();
      table
        .on(QueryCommand, { IndexName: 'gsi1' })
        .resolves({ Items: [departmentItem(EMEA_ID, 'Sales EMEA')] });
      // Act
      const outcome = await confirm(value);
      // Assess
      expect(outcome).toEqual({ matched: false, reason });
      expect(writes()[0]?.Put?.Item).toMatchObject({ email: 'dana@corp.example', departmentId: null });
      expect(memberCounts()).toEqual([]);
    });

    it.each([
      ['no department attribute', undefined],
      ['a blank one', '   '],
    ])('%s: no department, and no lookup', async (_case, value) => {
      // Prepare
      answerFirstSignIn();
      // Act
      const outcome = await confirm(value);
      // Assess
      expect(outcome).toEqual({ matched: false, reason: 'the identity provider sent no department' });
      expect(writes()[0]?.Put?.Item).toMatchObject({ departmentId: null });
      expect(table.commandCalls(QueryCommand)).toHaveLength(0);
    });

    it('a department deleted between the match and the write: created without it, and why', async () => {
      // Prepare: the member count's condition (the 5th write: user, email, external id, login, department) fails
      answerFirstSignIn();
      table
        .on(GetCommand, { Key: keys.department(EMEA_ID) })
        .resolves({ Item: departmentItem(EMEA_ID, 'Sales EMEA') });
      table
        .on(TransactWriteCommand)
        .rejectsOnce(
          new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: [
              { Code: 'None' },
              { Code: 'None' },
              { Code: 'None' },
              { Code: 'None' },
              { Code: 'ConditionalCheckFailed' },
              { Code: 'None' },
            ],
          }),
        )
        .resolves({});
      // Act
      const outcome = await confirm(EMEA_ID);
      // Assess
      expect(outcome).toEqual({
        matched: false,
        reason: `department ${EMEA_ID} was deleted meanwhile`,
      });
      expect(table.commandCalls(TransactWriteCommand)).toHaveLength(2);
      expect(writes(1)[0]?.Put?.Item).toMatchObject({ email: 'dana@corp.example', departmentId: null });
      expect(memberCounts(1)).toEqual([]);
    });
  });
});
