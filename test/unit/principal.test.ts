import { describe, expect, it } from 'vitest';
import { allowWithContext, authorizerContext, TokenRefused } from '../../shared/http/authorizer.ts';
import { allows } from '../../shared/http/middleware/authorize.ts';
import { principalFromAuthorizer } from '../../shared/http/principal.ts';

describe('principalFromAuthorizer', () => {
  it.each([
    ['admin', ['admin']],
    ['admin,manager', ['admin', 'manager']],
    ['[manager learner]', ['manager', 'learner']],
    [['instructor'], ['instructor']],
    ['superuser', []],
  ])('reads cognito:groups %j as %j', (groups, roles) => {
    expect(
      principalFromAuthorizer({ principal: 'person', sub: 's', 'cognito:groups': groups })?.roles,
    ).toEqual(roles);
  });

  it('is the profile the authorizer found linked to the login, never one named by an email', () => {
    expect(
      principalFromAuthorizer({
        principal: 'person',
        sub: 's',
        email: 'someone.else@example.com',
        lms_user_id: 'u1',
        'cognito:groups': 'manager',
      }),
    ).toEqual({ sub: 's', userId: 'u1', email: 'someone.else@example.com', roles: ['manager'] });
    expect(principalFromAuthorizer({ principal: 'person', sub: 's', email: 'a@b.c' })?.userId).toBeNull();
  });

  it('has no principal without a subject', () => {
    expect(principalFromAuthorizer({ email: 'a@b.c' })).toBeUndefined();
    expect(principalFromAuthorizer({ principal: 'client', scope: 'lms/users.read' })).toBeUndefined();
    expect(principalFromAuthorizer(undefined)).toBeUndefined();
  });

  it('reads a machine client with its known scopes only, and no roles', () => {
    const principal = principalFromAuthorizer({
      principal: 'client',
      client_id: 'abc123',
      scope: 'lms/users.read lms/everything aws.cognito.signin.user.admin',
      // A client's context never makes it a person, whatever else it carries.
      'cognito:groups': 'admin',
    });
    expect(principal).toEqual({
      sub: 'client:abc123',
      userId: null,
      email: null,
      roles: [],
      client: { id: 'abc123', scopes: ['lms/users.read'] },
    });
  });
});

describe('allows', () => {
  const access = { roles: ['admin'] as const, scopes: ['lms/users.read'] as const };
  const client = (scopes: string) =>
    principalFromAuthorizer({ principal: 'client', client_id: 'c', scope: scopes });

  it('lets a client in with one of the route scopes, and never into a people-only route', () => {
    expect(allows(access, client('lms/users.read'))).toBe(true);
    expect(allows(access, client('lms/users.write'))).toBe(false);
    expect(allows({ roles: ['admin'] }, client('lms/users.read lms/users.write'))).toBe(false);
  });

  it("lets a SCIM token's context (the authorizer's) in where lms/scim is named, and nowhere else", () => {
    // Prepare
    const scimToken = principalFromAuthorizer({
      principal: 'client',
      client_id: 'scim-token:033530323985aa0663371be196f8f3e5',
      scope: 'lms/scim',
      exp: '4070908800',
    });

    // Assess: a machine client like any other, whose audit actor names the token
    expect(scimToken).toEqual({
      sub: 'client:scim-token:033530323985aa0663371be196f8f3e5',
      userId: null,
      email: null,
      roles: [],
      client: { id: 'scim-token:033530323985aa0663371be196f8f3e5', scopes: ['lms/scim'] },
    });
    expect(allows({ roles: [], scopes: ['lms/scim'] }, scimToken)).toBe(true);
    expect(allows(access, scimToken)).toBe(false);
    expect(allows({ roles: ['admin'] }, scimToken)).toBe(false);
  });

  it('lets people in by role, not by scope', () => {
    const person = principalFromAuthorizer({ principal: 'person', sub: 's', 'cognito:groups': 'learner' });
    expect(allows(access, person)).toBe(false);
    expect(allows({ roles: ['learner'] }, person)).toBe(true);
  });
});

describe('authorizerContext', () => {
  it("reads the web client's ID token as a person", () => {
    const context = authorizerContext(
      {
        token_use: 'id',
        aud: 'web',
        sub: 's',
        email: 'a@b.c',
        'cognito:groups': ['admin', 'manager'],
        exp: 1_900_000_000,
      },
      'web',
    );
    expect(context).toEqual({
      principal: 'person',
      exp: '1900000000',
      sub: 's',
      email: 'a@b.c',
      'cognito:groups': 'admin,manager',
    });
  });

  it('reads a client-credentials access token (Cognito shape: sub = client_id, no username) as a client', () => {
    const context = authorizerContext(
      { token_use: 'access', sub: 'c1', client_id: 'c1', scope: 'lms/users.read', iss: 'x', exp: 1 },
      'web',
    );
    expect(context).toEqual({ principal: 'client', exp: '1', client_id: 'c1', scope: 'lms/users.read' });
  });

  it.each([
    ['an ID token of another app client', { token_use: 'id', aud: 'other', sub: 's' }],
    ["a person's access token", { token_use: 'access', client_id: 'web', username: 'u', scope: 'openid' }],
    ['a token of unknown use', { sub: 's', aud: 'web' }],
  ])('refuses %s', (_name, claims) => {
    expect(() => authorizerContext(claims, 'web')).toThrow(TokenRefused);
  });

  it('allows the whole stage, so a cached answer serves every route (the route gate decides)', () => {
    const result = allowWithContext('arn:aws:execute-api:eu-west-1:123456789012:abc/prod/GET/users/1', {
      principal: 'client',
      client_id: 'c1',
      scope: '',
    });
    expect(result.principalId).toBe('client:c1');
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc/prod/*',
      },
    ]);
  });
});
