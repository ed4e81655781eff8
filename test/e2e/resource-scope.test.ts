/**
 * The authorization matrix one level down: a manager acts on the people of their department subtree and an
 * instructor on the courses they own. For each route with such a scope, a request on an in-scope resource
 * gets past authorization (not 401/403) and the same request on an out-of-scope one is a 403 problem,
 * changing nothing. In-scope requests are chosen to change nothing either (already withdrawn, stale If-Match).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/actors.ts';
import { api, departmentIdByName, tokenFor, userIdByEmail } from '../support/http.ts';

interface ScopedCase {
  route: string;
  method: string;
  inScope: () => string;
  outOfScope: () => string;
  body?: unknown;
  headers?: Record<string, string>;
}

const ids = {
  learner: '',
  seller: '',
  sales: '',
  engineering: '',
  ownCourse: '',
  otherCourse: '',
};

beforeAll(async () => {
  const admin = await tokenFor('admin@example.com');
  ids.learner = await userIdByEmail('learner@example.com');
  ids.seller = await userIdByEmail('sam.seller@example.com');
  ids.sales = await departmentIdByName('Sales');
  ids.engineering = await departmentIdByName('Engineering');
  const instructor = await userIdByEmail('instructor@example.com');
  const course = async (ownerIds: string[]) =>
    (await api('POST', '/courses', { token: admin, body: { title: uniqueName('Scoped'), ownerIds } })).json
      .id;
  ids.ownCourse = await course([instructor]);
  ids.otherCourse = await course([]);
  // Published, so an instructor sees it (a draft someone else owns is a 404 to them: it does not exist).
  await api('POST', `/courses/${ids.otherCourse}/publish`, { token: admin });
  // The learner is enrolled in both courses; the seller was, and has been withdrawn from both.
  for (const courseId of [ids.ownCourse, ids.otherCourse]) {
    await api('POST', `/courses/${courseId}/enrollments`, {
      token: admin,
      body: { userIds: [ids.learner, ids.seller] },
    });
    await api('POST', `/courses/${courseId}/enrollments/${ids.seller}/withdraw`, {
      token: admin,
      body: { reason: 'Scope test' },
    });
  }
});

const MANAGER: ScopedCase[] = [
  {
    route: 'getUser',
    method: 'GET',
    inScope: () => `/users/${ids.seller}`,
    outOfScope: () => `/users/${ids.learner}`,
  },
  {
    route: 'listUsers',
    method: 'GET',
    inScope: () => `/users?departmentId=${ids.sales}`,
    outOfScope: () => `/users?departmentId=${ids.engineering}`,
  },
  {
    route: 'getDepartment',
    method: 'GET',
    inScope: () => `/departments/${ids.sales}`,
    outOfScope: () => `/departments/${ids.engineering}`,
  },
  {
    route: 'listUserEnrollments',
    method: 'GET',
    inScope: () => `/users/${ids.seller}/enrollments`,
    outOfScope: () => `/users/${ids.learner}/enrollments`,
  },
  {
    route: 'explainEnrollment',
    method: 'GET',
    inScope: () => `/users/${ids.seller}/enrollments/${ids.otherCourse}/explain`,
    outOfScope: () => `/users/${ids.learner}/enrollments/${ids.otherCourse}/explain`,
  },
  {
    route: 'listUserCohorts',
    method: 'GET',
    inScope: () => `/users/${ids.seller}/cohorts`,
    outOfScope: () => `/users/${ids.learner}/cohorts`,
  },
  {
    route: 'getUserAccess',
    method: 'GET',
    inScope: () => `/users/${ids.seller}/access`,
    outOfScope: () => `/users/${ids.learner}/access`,
  },
  {
    route: 'listCompliance',
    method: 'GET',
    inScope: () => `/compliance?departmentId=${ids.sales}`,
    outOfScope: () => `/compliance?departmentId=${ids.engineering}`,
  },
  {
    route: 'getEnrollment',
    method: 'GET',
    inScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.seller}`,
    outOfScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.learner}`,
  },
  {
    route: 'updateEnrollment',
    method: 'PATCH',
    inScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.seller}`,
    outOfScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.learner}`,
    body: { dueAt: '2099-01-01T00:00:00Z', reason: 'Scope test' },
    headers: { 'if-match': '"999"' },
  },
  {
    route: 'withdrawEnrollment',
    method: 'POST',
    inScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.seller}/withdraw`,
    outOfScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.learner}/withdraw`,
    body: { reason: 'Scope test' },
  },
];

const INSTRUCTOR: ScopedCase[] = [
  {
    route: 'getCoursePerformance',
    method: 'GET',
    inScope: () => `/courses/${ids.ownCourse}/performance`,
    outOfScope: () => `/courses/${ids.otherCourse}/performance`,
  },
  {
    // The learner is not enrolled in the instructor's course: in scope the answer is 404, nothing launched.
    route: 'previewLaunch',
    method: 'POST',
    inScope: () => `/courses/${ids.ownCourse}/enrollments/${ids.learner}/launch`,
    outOfScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.learner}/launch`,
    body: {},
  },
  {
    route: 'listCourseEnrollments',
    method: 'GET',
    inScope: () => `/courses/${ids.ownCourse}/enrollments`,
    outOfScope: () => `/courses/${ids.otherCourse}/enrollments`,
  },
  {
    route: 'listWaitlist',
    method: 'GET',
    inScope: () => `/courses/${ids.ownCourse}/waitlist`,
    outOfScope: () => `/courses/${ids.otherCourse}/waitlist`,
  },
  {
    route: 'getEnrollment',
    method: 'GET',
    inScope: () => `/courses/${ids.ownCourse}/enrollments/${ids.learner}`,
    outOfScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.learner}`,
  },
  {
    route: 'updateEnrollment',
    method: 'PATCH',
    inScope: () => `/courses/${ids.ownCourse}/enrollments/${ids.learner}`,
    outOfScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.learner}`,
    body: { dueAt: '2099-01-01T00:00:00Z', reason: 'Scope test' },
    headers: { 'if-match': '"999"' },
  },
  {
    route: 'completeEnrollment',
    method: 'POST',
    // The seller's enrollment is withdrawn: in scope the answer is 409, and nothing is completed.
    inScope: () => `/courses/${ids.ownCourse}/enrollments/${ids.seller}/complete`,
    outOfScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.learner}/complete`,
    body: { reason: 'Scope test' },
  },
  {
    route: 'withdrawEnrollment',
    method: 'POST',
    inScope: () => `/courses/${ids.ownCourse}/enrollments/${ids.seller}/withdraw`,
    outOfScope: () => `/courses/${ids.otherCourse}/enrollments/${ids.learner}/withdraw`,
    body: { reason: 'Scope test' },
  },
  {
    route: 'updateCourse',
    method: 'PATCH',
    inScope: () => `/courses/${ids.ownCourse}`,
    outOfScope: () => `/courses/${ids.otherCourse}`,
    body: { description: 'Scope test' },
    headers: { 'if-match': '"999"' },
  },
];

describe.each([
  ['manager', 'manager@example.com', MANAGER],
  ['instructor', 'instructor@example.com', INSTRUCTOR],
] as const)('resource scope of the %s', (_role, email, cases) => {
  it.each(cases.map((c) => [c.route, c] as const))(
    '%s: in scope passes, out of scope is 403',
    async (_route, c) => {
      const token = await tokenFor(email);
      const request = { token, body: c.body, headers: c.headers };
      const inside = await api(c.method, c.inScope(), request);
      expect([401, 403], `${c.inScope()}: ${inside.text}`).not.toContain(inside.status);
      expect(inside.status).toBeLessThan(500);
      const outside = await api(c.method, c.outOfScope(), request);
      expect(outside.status, `${c.outOfScope()}: ${outside.text}`).toBe(403);
      expect(outside.headers.get('content-type')).toBe('application/problem+json');
    },
  );

  it('changed nothing out of scope: the learner is still enrolled in the course they do not manage or own', async () => {
    const admin = await tokenFor('admin@example.com');
    const enrollment = await api('GET', `/courses/${ids.otherCourse}/enrollments/${ids.learner}`, {
      token: admin,
    });
    expect(enrollment.json).toMatchObject({ status: 'enrolled', dueAt: null });
  });
});
