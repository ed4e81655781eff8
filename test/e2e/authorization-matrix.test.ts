/**
 * Every route of the manifest x every kind of caller, over HTTP. A caller the manifest does not name must be
 * refused (401 anonymous, 403 otherwise, as problem+json); a caller it names must get past authorization.
 * Machine clients are callers too: one holding a scope the route accepts, and one holding every other scope
 * (for a people-only route: every scope).
 * Allowed calls to mutating routes carry an invalid body or an unknown id, so they prove authorization
 * passed (400/404 come after it) without changing anything.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiScope, SCOPE_NAMES } from '../../shared/domain/api-scopes.ts';
import type { Principal } from '../../shared/domain/principal.ts';
import { ROLES, type Role } from '../../shared/domain/principal.ts';
import { allows } from '../../shared/http/middleware/authorize.ts';
import type { RouteDefinition } from '../../shared/http/route.ts';
import { routes } from '../../shared/routes/index.ts';
import { api, departmentIdByName, machineToken, tokenFor, userIdByEmail } from '../support/http.ts';

type Caller = 'anonymous' | Role | 'client with scope' | 'client without scope';
const CALLERS: Caller[] = ['anonymous', ...ROLES, 'client with scope', 'client without scope'];
const EMAIL: Record<Role, string> = {
  admin: 'admin@example.com',
  manager: 'manager@example.com',
  instructor: 'instructor@example.com',
  learner: 'learner@example.com',
};

interface Sample {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Seeded ids the samples point at: each caller's own resource, in its scope. */
const seeded = { learnerId: '', salesPersonId: '', salesId: '' };
const unknownId = randomUUID();

/** One request per route; a route added to the manifest without a sample fails this test. */
const SAMPLES: Record<string, (caller: Caller) => Sample> = {
  getHealth: () => ({ path: '/health' }),
  getOpenApi: () => ({ path: '/openapi.json' }),
  listAudit: () => ({ path: `/audit?target=user:${seeded.learnerId}` }),
  createUser: () => ({ path: '/users', body: {} }),
  listUsers: () => ({ path: '/users' }),
  getUser: (caller) => ({ path: `/users/${caller === 'manager' ? seeded.salesPersonId : seeded.learnerId}` }),
  updateUser: () => ({ path: `/users/${seeded.learnerId}`, body: {}, headers: { 'if-match': '"1"' } }),
  suspendUser: () => ({ path: `/users/${seeded.learnerId}/suspend`, body: {} }),
  reactivateUser: () => ({ path: `/users/${unknownId}/reactivate` }),
  createDepartment: () => ({ path: '/departments', body: {} }),
  listDepartments: () => ({ path: '/departments' }),
  getDepartment: () => ({ path: `/departments/${seeded.salesId}` }),
  updateDepartment: () => ({
    path: `/departments/${seeded.salesId}`,
    body: {},
    headers: { 'if-match': '"1"' },
  }),
  deleteDepartment: () => ({ path: `/departments/${unknownId}` }),
  createCourse: () => ({ path: '/courses', body: {} }),
  listCourses: () => ({ path: '/courses' }),
  listCoursesDueForReview: () => ({ path: '/courses/due-for-review' }),
  getCourse: () => ({ path: `/courses/${unknownId}` }),
  updateCourse: () => ({ path: `/courses/${unknownId}`, body: {}, headers: { 'if-match': '"1"' } }),
  publishCourse: () => ({ path: `/courses/${unknownId}/publish` }),
  archiveCourse: () => ({ path: `/courses/${unknownId}/archive` }),
  unarchiveCourse: () => ({ path: `/courses/${unknownId}/unarchive` }),
  waiveCourseAccessibility: () => ({ path: `/courses/${unknownId}/accessibility-waiver`, body: {} }),
  createCategory: () => ({ path: '/categories', body: {} }),
  listCategories: () => ({ path: '/categories' }),
  updateCategory: () => ({ path: `/categories/${unknownId}`, body: {}, headers: { 'if-match': '"1"' } }),
  createLearningPath: () => ({ path: '/learning-paths', body: {} }),
  listLearningPaths: () => ({ path: '/learning-paths' }),
  getLearningPath: () => ({ path: `/learning-paths/${unknownId}` }),
  updateLearningPath: () => ({
    path: `/learning-paths/${unknownId}`,
    body: {},
    headers: { 'if-match': '"1"' },
  }),
  requestPackageUpload: () => ({ path: `/courses/${unknownId}/packages`, body: {} }),
  completePackageUpload: () => ({ path: `/courses/${unknownId}/packages/${unknownId}/complete`, body: {} }),
  listContentVersions: () => ({ path: `/courses/${unknownId}/content-versions` }),
  getContentVersion: () => ({ path: `/courses/${unknownId}/content-versions/1` }),
  getAccessibilityReport: () => ({ path: `/courses/${unknownId}/content-versions/1/accessibility` }),
  getJob: () => ({ path: `/jobs/${unknownId}` }),
  completeEnrollment: () => ({ path: `/courses/${unknownId}/enrollments/${unknownId}/complete`, body: {} }),
  selfEnroll: () => ({ path: `/courses/${unknownId}/self-enroll` }),
  explainEnrollment: (caller) => ({
    path: `/users/${caller === 'manager' ? seeded.salesPersonId : seeded.learnerId}/enrollments/${unknownId}/explain`,
  }),
  enrollUsers: () => ({ path: `/courses/${unknownId}/enrollments`, body: {} }),
  listCourseEnrollments: () => ({ path: `/courses/${unknownId}/enrollments` }),
  listWaitlist: () => ({ path: `/courses/${unknownId}/waitlist` }),
  withdrawEnrollment: () => ({ path: `/courses/${unknownId}/enrollments/${unknownId}/withdraw`, body: {} }),
  listUserEnrollments: (caller) => ({
    path: `/users/${caller === 'manager' ? seeded.salesPersonId : seeded.learnerId}/enrollments`,
  }),
  getEnrollment: () => ({ path: `/courses/${unknownId}/enrollments/${unknownId}` }),
  updateEnrollment: () => ({
    path: `/courses/${unknownId}/enrollments/${unknownId}`,
    body: {},
    headers: { 'if-match': '"1"' },
  }),
  listCompliance: () => ({ path: `/compliance?departmentId=${seeded.salesId}` }),
  createCohort: () => ({ path: '/cohorts', body: {} }),
  listCohorts: () => ({ path: '/cohorts' }),
  getCohort: () => ({ path: `/cohorts/${unknownId}` }),
  updateCohort: () => ({ path: `/cohorts/${unknownId}`, body: {}, headers: { 'if-match': '"1"' } }),
  reevaluateCohort: () => ({ path: `/cohorts/${unknownId}/reevaluate` }),
  listCohortMembers: () => ({ path: `/cohorts/${unknownId}/members` }),
  addCohortMembers: () => ({ path: `/cohorts/${unknownId}/members`, body: {} }),
  removeCohortMember: () => ({ path: `/cohorts/${unknownId}/members/${unknownId}` }),
  listUserCohorts: (caller) => ({
    path: `/users/${caller === 'manager' ? seeded.salesPersonId : seeded.learnerId}/cohorts`,
  }),
  linkCohortCourse: () => ({ path: `/cohorts/${unknownId}/courses`, body: {} }),
  listCohortCourses: () => ({ path: `/cohorts/${unknownId}/courses` }),
  unlinkCohortCourse: () => ({ path: `/cohorts/${unknownId}/courses/${unknownId}` }),
  setUserRoles: () => ({ path: `/users/${seeded.learnerId}/roles`, body: {} }),
  createIdentityProvider: () => ({ path: '/identity-providers', body: {} }),
  listIdentityProviders: () => ({ path: '/identity-providers' }),
  getIdentityProvider: () => ({ path: `/identity-providers/${unknownId}` }),
  updateIdentityProvider: () => ({
    path: `/identity-providers/${unknownId}`,
    body: {},
    headers: { 'if-match': '"1"' },
  }),
  deleteIdentityProvider: () => ({ path: `/identity-providers/${unknownId}` }),
  discoverIdentityProvider: () => ({ path: '/auth/discover?email=someone@nowhere.example' }),
  createApiClient: () => ({ path: '/api-clients', body: {} }),
  listApiClients: () => ({ path: '/api-clients' }),
  getApiClient: () => ({ path: '/api-clients/unknownclient' }),
  updateApiClient: () => ({
    path: '/api-clients/unknownclient',
    body: {},
    headers: { 'if-match': '"1"' },
  }),
  issueApiClientSecret: () => ({ path: '/api-clients/unknownclient/secrets' }),
  retireApiClientSecret: () => ({ path: `/api-clients/unknownclient/secrets/${unknownId}` }),
  revokeApiClient: () => ({ path: '/api-clients/unknownclient' }),
  getUserAccess: (caller) => ({
    path: `/users/${caller === 'manager' ? seeded.salesPersonId : seeded.learnerId}/access`,
  }),
};

const tokens: Partial<Record<Role, string>> = {};

/** One machine client per set of scopes, created through the API the first time a case needs it. */
const clientTokens = new Map<string, Promise<string>>();
function clientToken(scopes: readonly ApiScope[]): Promise<string> {
  const key = [...scopes].sort().join(' ');
  let token = clientTokens.get(key);
  if (!token) {
    token = machineToken(`matrix ${clientTokens.size} ${randomUUID().slice(0, 8)}`, scopes);
    clientTokens.set(key, token);
  }
  return token;
}

/** The scopes the case's client holds: one the route accepts, or all it does not accept. */
function clientScopes(route: RouteDefinition, caller: Caller): ApiScope[] | undefined {
  const accepted = 'public' in route.access ? [] : (route.access.scopes ?? []);
  if (caller === 'client with scope') return accepted.length > 0 ? [accepted[0] as ApiScope] : undefined;
  if (caller === 'client without scope') return SCOPE_NAMES.filter((scope) => !accepted.includes(scope));
  return undefined;
}

function principalOf(caller: Caller, scopes: ApiScope[] | undefined): Principal | undefined {
  if (caller === 'anonymous') return undefined;
  if (scopes) return { sub: 'client:c', userId: null, email: null, roles: [], client: { id: 'c', scopes } };
  return { sub: caller, userId: null, email: null, roles: [caller as Role] };
}

beforeAll(async () => {
  for (const role of ROLES) tokens[role] = await tokenFor(EMAIL[role]);
  seeded.learnerId = await userIdByEmail(EMAIL.learner);
  seeded.salesId = await departmentIdByName('Sales');
  seeded.salesPersonId = await userIdByEmail('sam.seller@example.com');
});

describe('authorization matrix', () => {
  it('has a sample request for every route in the manifest', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(routes.map((route) => route.id).sort());
  });

  // A route no client scope opens has no "client with scope" case.
  const cases = routes.flatMap((route) =>
    CALLERS.filter((caller) => caller !== 'client with scope' || clientScopes(route, caller)).map(
      (caller) => [route.id, caller, route] as const,
    ),
  );

  it.each(cases)('%s as %s', async (_id, caller, route: RouteDefinition) => {
    // Prepare
    const sample = SAMPLES[route.id]?.(caller);
    if (!sample) throw new Error(`no sample for ${route.id}`);
    const scopes = clientScopes(route, caller);
    const principal = principalOf(caller, scopes);
    const token = scopes ? await clientToken(scopes) : tokens[caller as Role];
    // Act
    const response = await api(route.method, sample.path, {
      token,
      body: sample.body,
      headers: sample.headers,
    });
    // Assess
    if (allows(route.access, principal)) {
      expect(response.status, `${caller} should get past authorization: ${response.text}`).not.toBe(401);
      expect(response.status, `${caller} should get past authorization: ${response.text}`).not.toBe(403);
      expect(response.status).toBeLessThan(500);
    } else {
      expect(response.status).toBe(caller === 'anonymous' ? 401 : 403);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});
