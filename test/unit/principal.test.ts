import { describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../shared/http/principal.ts';

describe('principalFromClaims', () => {
  it.each([
    ['admin', ['admin']],
    ['admin,manager', ['admin', 'manager']],
    ['[manager learner]', ['manager', 'learner']],
    [['instructor'], ['instructor']],
    ['superuser', []],
  ])('reads cognito:groups %j as %j', (groups, roles) => {
    expect(principalFromClaims({ sub: 's', 'cognito:groups': groups })?.roles).toEqual(roles);
  });

  it('has no principal without a subject', () => {
    expect(principalFromClaims({ email: 'a@b.c' })).toBeUndefined();
    expect(principalFromClaims(undefined)).toBeUndefined();
  });
});
