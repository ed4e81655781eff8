/**
 * What cognito-local cannot show (SSO identities, sign-in events), against the exact SDK shapes AWS answers
 * with; the rest of the directory runs against cognito-local in test/integration/identity.test.ts.
 */
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminListUserAuthEventsCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  TooManyRequestsException,
  UserPoolAddOnNotEnabledException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getUserAccess } from '../../shared/routes/identity.ts';
import { CognitoIdentityDirectory } from '../../shared/store/identity-directory.ts';
import { recordMockedCalls } from '../support/aws-calls.ts';

const cognito = mockClient(CognitoIdentityProviderClient);
const directory = () =>
  new CognitoIdentityDirectory(new CognitoIdentityProviderClient({ region: 'eu-west-1' }), 'eu-west-1_pool');

describe('the Cognito directory', () => {
  beforeEach(() => {
    cognito.reset();
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'Okta_jane@corp.example',
      Enabled: true,
      UserStatus: 'EXTERNAL_PROVIDER',
      UserCreateDate: new Date('2026-03-01T08:00:00Z'),
      UserAttributes: [
        { Name: 'email', Value: 'jane@corp.example' },
        {
          Name: 'identities',
          Value: JSON.stringify([
            {
              userId: 'jane@corp.example',
              providerName: 'Okta',
              providerType: 'SAML',
              primary: 'true',
              dateCreated: '1709280000000',
            },
          ]),
        },
      ],
    });
    cognito
      .on(AdminListGroupsForUserCommand)
      .resolves({ Groups: [{ GroupName: 'learner' }, { GroupName: 'Okta-imported' }] });
  });
  // The access report reads the login this way.
  afterEach(() => recordMockedCalls(getUserAccess.handler, cognito));

  it('reads linked SSO identities and recent sign-in events', async () => {
    cognito.on(AdminListUserAuthEventsCommand).resolves({
      AuthEvents: [
        {
          EventId: 'e2',
          EventType: 'SignIn',
          CreationDate: new Date('2026-11-28T09:15:00Z'),
          EventResponse: 'Fail',
          EventRisk: { RiskDecision: 'NoRisk', RiskLevel: 'Low' },
        },
        {
          EventId: 'e1',
          EventType: 'SignIn',
          CreationDate: new Date('2026-11-27T09:00:00Z'),
          EventResponse: 'Pass',
        },
      ],
    });
    const login = await directory().login('jane@corp.example');
    expect(login).toMatchObject({
      username: 'Okta_jane@corp.example',
      status: 'EXTERNAL_PROVIDER',
      groups: ['Okta-imported', 'learner'],
      identities: [{ provider: 'Okta', userId: 'jane@corp.example' }],
      createdAt: '2026-03-01T08:00:00.000Z',
      recentSignIns: [
        { at: '2026-11-28T09:15:00.000Z', type: 'SignIn', outcome: 'Fail', risk: 'Low' },
        { at: '2026-11-27T09:00:00.000Z', type: 'SignIn', outcome: 'Pass', risk: null },
      ],
    });
    expect(cognito.commandCalls(AdminListUserAuthEventsCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'eu-west-1_pool',
      Username: 'Okta_jane@corp.example',
      MaxResults: 10,
    });
  });

  it('reports no events, rather than failing, where threat protection is off', async () => {
    cognito
      .on(AdminListUserAuthEventsCommand)
      .rejects(
        new UserPoolAddOnNotEnabledException({ message: 'Advanced security is not enabled', $metadata: {} }),
      );
    expect((await directory().login('jane@corp.example'))?.recentSignIns).toBeNull();
  });

  it('reads the account a login is: its sub, email, and the provider a federated login is held for', async () => {
    // Prepare: AWS's answer for a federated login also carries its sub
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'Okta_jane@corp.example',
      UserStatus: 'EXTERNAL_PROVIDER',
      UserAttributes: [
        { Name: 'sub', Value: '7a1b2c3d-0000-4000-8000-000000000001' },
        { Name: 'email', Value: 'Jane@Corp.example' },
        { Name: 'identities', Value: '[{"userId":"jane@corp.example","providerName":"Okta"}]' },
      ],
    });

    // Act
    const account = await directory().account('jane@corp.example');

    // Assess
    expect(account).toEqual({
      sub: '7a1b2c3d-0000-4000-8000-000000000001',
      username: 'Okta_jane@corp.example',
      email: 'jane@corp.example',
      emailVerified: false,
      provider: 'Okta',
    });
  });

  it('signs a login out everywhere with AdminUserGlobalSignOut on its pool', async () => {
    // Prepare
    cognito.on(AdminUserGlobalSignOutCommand).resolves({ $metadata: { httpStatusCode: 200 } });

    // Act
    const outcome = await directory().signOut('Okta_jane@corp.example');

    // Assess
    expect(outcome).toBe('signed-out');
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand).map((call) => call.args[0].input)).toEqual([
      { UserPoolId: 'eu-west-1_pool', Username: 'Okta_jane@corp.example' },
    ]);
  });

  it("says 'aws-only' where the emulator has no global sign-out, and passes AWS's own errors on", async () => {
    // Prepare: cognito-local's answer to a target it lacks, then AWS throttling
    const unsupported = Object.assign(new Error('Cognito Local unsupported feature'), {
      name: 'Unsupported',
    });
    cognito
      .on(AdminUserGlobalSignOutCommand)
      .rejectsOnce(unsupported)
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));

    // Act + Assess
    await expect(directory().signOut('x')).resolves.toBe('aws-only');
    await expect(directory().signOut('x')).rejects.toBeInstanceOf(TooManyRequestsException);
  });
});
