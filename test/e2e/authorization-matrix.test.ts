/**
 * Every route of the manifest x every kind of caller, over HTTP, against who may call it as written in
 * ALLOWED below (not read from the manifest: a manifest change that grants a role or scope too much, or
 * takes one away, must fail here until this table says the same). A caller the table does not name must be
 * refused (401 anonymous, 403 otherwise, as problem+json, or a SCIM error body from a SCIM route's function);
 * a caller it names must get past authorization.
 * Machine clients are callers too: one per scope the table names for the route, and one holding every other
 * scope (for a people-only route: every scope). So is a SCIM token, which may call only the routes under
 * /scim/v2 that name `lms/scim` (its authorizer policy opens nothing else).
 * Allowed calls to mutating routes carry an invalid body or an unknown id, so they prove authorization
 * passed (400/404 come after it) without changing anything.
 * The runtime and LRS routes are public at the gateway and take only a launch's own credential (`launch`: the
 * player's launch token, an AU's LRS auth-token), which none of these callers holds: their function refuses
 * every one of them with a 401.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiScope, SCOPE_NAMES } from '../../shared/domain/api-scopes.ts';
import { ROLES, type Role } from '../../shared/domain/principal.ts';
import type { RouteDefinition } from '../../shared/http/route.ts';
import { routes } from '../../shared/routes/index.ts';
import { api, departmentIdByName, machineToken, tokenFor, userIdByEmail } from '../support/http.ts';

type Caller = 'anonymous' | Role | `client with ${ApiScope}` | 'client without scope' | 'SCIM token';
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
/** The LRS routes' samples: valid xAPI requests, so what refuses them is the missing auth-token. */
const XAPI = { 'x-experience-api-version': '1.0.3' };
const LEARNER = JSON.stringify({
  objectType: 'Agent',
  account: { homePage: 'https://lms.example.com', name: 'u' },
});
const ACTIVITY = `activityId=${encodeURIComponent('https://example.com/activity')}`;
const AGENT = `agent=${encodeURIComponent(LEARNER)}`;
const STATE = `${ACTIVITY}&${AGENT}`;
const UNKNOWN_SCIM_TOKEN_ID = '0123456789abcdef0123456789abcdef';

/**
 * Who may call each route: `anyone`, a launch's own credential (`launch`), or the roles (people) and
 * scopes (machine clients) that may. A route added to the manifest without a row fails this test.
 */
type Allowed = 'anyone' | 'launch' | readonly (Role | ApiScope)[];
const ALLOWED: Record<string, Allowed> = {
  launchCourse: ['admin', 'manager', 'instructor', 'learner'],
  previewLaunch: ['admin', 'instructor'],
  getCoursePerformance: ['admin', 'instructor', 'lms/reports.read'],
  // The runtime API opens to an attempt's launch token only: no sign-in, client or SCIM token gets in (401).
  getAttemptCmi: 'launch',
  commitAttemptCmi: 'launch',
  recordAttemptEvent: 'launch',
  getHealth: 'anyone',
  getHealthDetail: ['admin'],
  getAdminStatus: ['admin'],
  getOpenApi: 'anyone',
  listAudit: ['admin'],
  createUser: ['admin', 'lms/users.write'],
  listUsers: ['admin', 'manager', 'lms/users.read'],
  getUser: ['admin', 'manager', 'learner', 'lms/users.read'],
  updateUser: ['admin', 'lms/users.write'],
  suspendUser: ['admin', 'lms/users.write'],
  reactivateUser: ['admin', 'lms/users.write'],
  eraseUser: ['admin'],
  setLegalHold: ['admin'],
  releaseLegalHold: ['admin'],
  getDataLifecycleSettings: ['admin'],
  updateDataLifecycleSettings: ['admin'],
  createDepartment: ['admin', 'lms/users.write'],
  listDepartments: ['admin', 'manager', 'lms/users.read'],
  getDepartment: ['admin', 'manager', 'lms/users.read'],
  updateDepartment: ['admin', 'lms/users.write'],
  deleteDepartment: ['admin', 'lms/users.write'],
  createCourse: ['admin', 'instructor'],
  listCourses: ['admin', 'manager', 'instructor', 'learner', 'lms/courses.read'],
  listCoursesDueForReview: ['admin'],
  getCourse: ['admin', 'manager', 'instructor', 'learner', 'lms/courses.read'],
  updateCourse: ['admin', 'instructor'],
  publishCourse: ['admin', 'instructor'],
  archiveCourse: ['admin', 'instructor'],
  unarchiveCourse: ['admin'],
  waiveCourseAccessibility: ['admin'],
  createCategory: ['admin'],
  listCategories: ['admin', 'manager', 'instructor', 'learner', 'lms/courses.read'],
  updateCategory: ['admin'],
  createLearningPath: ['admin'],
  listLearningPaths: ['admin', 'manager', 'instructor', 'learner', 'lms/courses.read'],
  getLearningPath: ['admin', 'manager', 'instructor', 'learner', 'lms/courses.read'],
  updateLearningPath: ['admin'],
  requestPackageUpload: ['admin', 'instructor'],
  completePackageUpload: ['admin', 'instructor'],
  listContentVersions: ['admin', 'instructor'],
  getContentVersion: ['admin', 'instructor'],
  getAccessibilityReport: ['admin', 'instructor'],
  getJob: ['admin', 'instructor'],
  listJobs: ['admin'],
  createBackup: ['admin'],
  listBackups: ['admin'],
  getBackupStatus: ['admin'],
  getBackup: ['admin'],
  restoreBackup: ['admin'],
  drillBackup: ['admin'],
  enrollUsers: ['admin', 'manager', 'instructor', 'lms/enrollments.write'],
  listCourseEnrollments: ['admin', 'instructor', 'lms/reports.read'],
  listWaitlist: ['admin', 'instructor', 'lms/reports.read'],
  withdrawEnrollment: ['admin', 'manager', 'instructor', 'lms/enrollments.write'],
  listUserEnrollments: ['admin', 'manager', 'learner', 'lms/reports.read'],
  completeEnrollment: ['admin', 'instructor', 'lms/enrollments.write'],
  selfEnroll: ['admin', 'manager', 'instructor', 'learner'],
  explainEnrollment: ['admin', 'manager', 'learner', 'lms/reports.read'],
  getEnrollment: ['admin', 'manager', 'instructor', 'learner', 'lms/reports.read'],
  updateEnrollment: ['admin', 'manager', 'instructor', 'lms/enrollments.write'],
  listCompliance: ['admin', 'manager', 'lms/reports.read'],
  createCohort: ['admin'],
  listCohorts: ['admin', 'manager', 'lms/users.read'],
  getCohort: ['admin', 'manager', 'lms/users.read'],
  updateCohort: ['admin'],
  reevaluateCohort: ['admin'],
  listCohortMembers: ['admin', 'manager', 'lms/users.read'],
  addCohortMembers: ['admin', 'lms/users.write'],
  removeCohortMember: ['admin', 'lms/users.write'],
  listUserCohorts: ['admin', 'manager', 'learner', 'lms/users.read'],
  linkCohortCourse: ['admin'],
  listCohortCourses: ['admin', 'manager'],
  unlinkCohortCourse: ['admin'],
  setUserRoles: ['admin'],
  getUserAccess: ['admin', 'manager'],
  createIdentityProvider: ['admin'],
  listIdentityProviders: ['admin'],
  getIdentityProvider: ['admin'],
  updateIdentityProvider: ['admin'],
  deleteIdentityProvider: ['admin'],
  discoverIdentityProvider: 'anyone',
  createApiClient: ['admin'],
  listApiClients: ['admin'],
  getApiClient: ['admin'],
  updateApiClient: ['admin'],
  issueApiClientSecret: ['admin'],
  retireApiClientSecret: ['admin'],
  revokeApiClient: ['admin'],
  createScimToken: ['admin'],
  listScimTokens: ['admin'],
  getScimToken: ['admin'],
  revokeScimToken: ['admin'],
  createImport: ['admin', 'lms/users.write'],
  completeImportUpload: ['admin', 'lms/users.write'],
  listImports: ['admin', 'lms/users.write'],
  createExport: ['admin'],
  listExports: ['admin'],
  listReports: ['admin', 'manager', 'learner', 'lms/reports.read'],
  createReportRun: ['admin', 'manager', 'learner', 'lms/reports.read'],
  getReportRun: ['admin', 'manager', 'learner', 'lms/reports.read'],
  getReportRunCsv: ['admin', 'manager', 'learner', 'lms/reports.read'],
  getReportRunChart: ['admin', 'manager', 'learner', 'lms/reports.read'],
  createReportSchedule: ['admin', 'manager'],
  listReportSchedules: ['admin', 'manager'],
  getReportSchedule: ['admin', 'manager'],
  updateReportSchedule: ['admin', 'manager'],
  deleteReportSchedule: ['admin', 'manager'],
  getReportDeliverySettings: ['admin'],
  updateReportDeliverySettings: ['admin'],
  reconcileReports: ['admin'],
  getImport: ['admin', 'lms/users.write'],
  getImportPlan: ['admin', 'lms/users.write'],
  getImportErrors: ['admin', 'lms/users.write'],
  applyImport: ['admin', 'lms/users.write'],
  undoImport: ['admin', 'lms/users.write'],
  getScimServiceProviderConfig: ['lms/scim'],
  listScimResourceTypes: ['lms/scim'],
  getScimResourceType: ['lms/scim'],
  listScimSchemas: ['lms/scim'],
  getScimSchema: ['lms/scim'],
  createScimUser: ['lms/scim'],
  listScimUsers: ['lms/scim'],
  getScimUser: ['lms/scim'],
  replaceScimUser: ['lms/scim'],
  patchScimUser: ['lms/scim'],
  deleteScimUser: ['lms/scim'],
  createScimGroup: ['lms/scim'],
  listScimGroups: ['lms/scim'],
  getScimGroup: ['lms/scim'],
  replaceScimGroup: ['lms/scim'],
  patchScimGroup: ['lms/scim'],
  deleteScimGroup: ['lms/scim'],
  fetchAuthToken: 'anyone',
  getLrsAbout: 'anyone',
  storeStatements: 'launch',
  putStatement: 'launch',
  getStatements: 'launch',
  getXapiState: 'launch',
  putXapiState: 'launch',
  mergeXapiState: 'launch',
  deleteXapiState: 'launch',
  getXapiActivityProfile: 'launch',
  putXapiActivityProfile: 'launch',
  mergeXapiActivityProfile: 'launch',
  deleteXapiActivityProfile: 'launch',
  getXapiAgentProfile: 'launch',
  putXapiAgentProfile: 'launch',
  mergeXapiAgentProfile: 'launch',
  deleteXapiAgentProfile: 'launch',
};

/** One request per route; a route added to the manifest without a sample fails this test. */
const SAMPLES: Record<string, (caller: Caller) => Sample> = {
  launchCourse: () => ({ path: `/courses/${unknownId}/launch`, body: {} }),
  previewLaunch: () => ({ path: `/courses/${unknownId}/enrollments/${unknownId}/launch`, body: {} }),
  getCoursePerformance: () => ({ path: `/courses/${unknownId}/performance` }),
  getAttemptCmi: () => ({ path: `/attempts/${unknownId}/cmi` }),
  commitAttemptCmi: () => ({ path: `/attempts/${unknownId}/cmi`, body: { seq: 1, values: {} } }),
  recordAttemptEvent: () => ({ path: `/attempts/${unknownId}/events`, body: { type: 'initialized' } }),
  getHealth: () => ({ path: '/health' }),
  getHealthDetail: () => ({ path: '/health/detail' }),
  getAdminStatus: () => ({ path: '/admin/status' }),
  getOpenApi: () => ({ path: '/openapi.json' }),
  listAudit: () => ({ path: `/audit?target=user:${seeded.learnerId}` }),
  createUser: () => ({ path: '/users', body: {} }),
  listUsers: () => ({ path: '/users' }),
  getUser: (caller) => ({ path: `/users/${caller === 'manager' ? seeded.salesPersonId : seeded.learnerId}` }),
  updateUser: () => ({ path: `/users/${seeded.learnerId}`, body: {}, headers: { 'if-match': '"1"' } }),
  suspendUser: () => ({ path: `/users/${seeded.learnerId}/suspend`, body: {} }),
  reactivateUser: () => ({ path: `/users/${unknownId}/reactivate` }),
  eraseUser: () => ({ path: `/users/${unknownId}/erase`, body: {} }),
  setLegalHold: () => ({ path: `/users/${unknownId}/legal-hold`, body: {} }),
  releaseLegalHold: () => ({ path: `/users/${unknownId}/legal-hold` }),
  getDataLifecycleSettings: () => ({ path: '/settings/data-lifecycle' }),
  updateDataLifecycleSettings: () => ({
    path: '/settings/data-lifecycle',
    body: {},
    headers: { 'if-match': '"1"' },
  }),
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
  listJobs: () => ({ path: '/jobs?kind=backup&status=failed' }),
  // An invalid body: the admin gets past authorization without starting a backup.
  createBackup: () => ({ path: '/backups', body: { segments: 0 } }),
  listBackups: () => ({ path: '/backups' }),
  getBackupStatus: () => ({ path: '/backups/status' }),
  getBackup: () => ({ path: `/backups/${unknownId}` }),
  restoreBackup: () => ({ path: `/backups/${unknownId}/restore`, body: {} }),
  drillBackup: () => ({ path: `/backups/${unknownId}/drill` }),
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
  createScimToken: () => ({ path: '/scim-tokens', body: {} }),
  listScimTokens: () => ({ path: '/scim-tokens' }),
  getScimToken: () => ({ path: `/scim-tokens/${UNKNOWN_SCIM_TOKEN_ID}` }),
  revokeScimToken: () => ({ path: `/scim-tokens/${UNKNOWN_SCIM_TOKEN_ID}` }),
  createImport: () => ({ path: '/imports', body: {} }),
  completeImportUpload: () => ({ path: `/imports/${unknownId}/upload/complete`, body: {} }),
  listImports: () => ({ path: '/imports' }),
  createExport: () => ({ path: '/exports' }),
  listExports: () => ({ path: '/exports' }),
  listReports: () => ({ path: '/reports' }),
  createReportRun: () => ({ path: '/reports/no-such-report/runs', body: {} }),
  getReportRun: () => ({ path: `/reports/runs/${unknownId}` }),
  getReportRunCsv: () => ({ path: `/reports/runs/${unknownId}/report.csv` }),
  getReportRunChart: () => ({ path: `/reports/runs/${unknownId}/chart.svg` }),
  createReportSchedule: () => ({ path: '/report-schedules', body: {} }),
  listReportSchedules: () => ({ path: '/report-schedules' }),
  getReportSchedule: () => ({ path: `/report-schedules/${unknownId}` }),
  updateReportSchedule: () => ({ path: `/report-schedules/${unknownId}`, body: {} }),
  deleteReportSchedule: () => ({ path: `/report-schedules/${unknownId}` }),
  getReportDeliverySettings: () => ({ path: '/settings/report-delivery' }),
  updateReportDeliverySettings: () => ({ path: '/settings/report-delivery', body: {} }),
  reconcileReports: () => ({ path: '/reports/reconcile?entity=unknown' }),
  getImport: () => ({ path: `/imports/${unknownId}` }),
  getImportPlan: () => ({ path: `/imports/${unknownId}/plan` }),
  getImportErrors: () => ({ path: `/imports/${unknownId}/errors.csv` }),
  applyImport: () => ({ path: `/imports/${unknownId}/apply` }),
  undoImport: () => ({ path: `/imports/${unknownId}/undo` }),
  getUserAccess: (caller) => ({
    path: `/users/${caller === 'manager' ? seeded.salesPersonId : seeded.learnerId}/access`,
  }),
  getScimServiceProviderConfig: () => ({ path: '/scim/v2/ServiceProviderConfig' }),
  listScimResourceTypes: () => ({ path: '/scim/v2/ResourceTypes' }),
  getScimResourceType: () => ({ path: '/scim/v2/ResourceTypes/User' }),
  listScimSchemas: () => ({ path: '/scim/v2/Schemas' }),
  getScimSchema: () => ({ path: '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group' }),
  createScimUser: () => ({ path: '/scim/v2/Users', body: {} }),
  listScimUsers: () => ({ path: `/scim/v2/Users?filter=${encodeURIComponent(`id eq "${unknownId}"`)}` }),
  getScimUser: () => ({ path: `/scim/v2/Users/${unknownId}` }),
  replaceScimUser: () => ({ path: `/scim/v2/Users/${unknownId}`, body: {} }),
  patchScimUser: () => ({ path: `/scim/v2/Users/${unknownId}`, body: {} }),
  deleteScimUser: () => ({ path: `/scim/v2/Users/${unknownId}` }),
  createScimGroup: () => ({ path: '/scim/v2/Groups', body: {} }),
  listScimGroups: () => ({ path: `/scim/v2/Groups?filter=${encodeURIComponent(`id eq "${unknownId}"`)}` }),
  getScimGroup: () => ({ path: `/scim/v2/Groups/${unknownId}` }),
  replaceScimGroup: () => ({ path: `/scim/v2/Groups/${unknownId}`, body: {} }),
  patchScimGroup: () => ({ path: `/scim/v2/Groups/${unknownId}`, body: {} }),
  deleteScimGroup: () => ({ path: `/scim/v2/Groups/${unknownId}` }),
  fetchAuthToken: () => ({ path: `/attempts/${unknownId}/auth-token?k=unknown` }),
  getLrsAbout: () => ({ path: '/xapi/about' }),
  storeStatements: () => ({ path: '/xapi/statements', body: {}, headers: XAPI }),
  putStatement: () => ({ path: `/xapi/statements?statementId=${unknownId}`, body: {}, headers: XAPI }),
  getStatements: () => ({ path: '/xapi/statements', headers: XAPI }),
  getXapiState: () => ({ path: `/xapi/activities/state?${STATE}`, headers: XAPI }),
  putXapiState: () => ({ path: `/xapi/activities/state?${STATE}&stateId=s`, body: {}, headers: XAPI }),
  mergeXapiState: () => ({ path: `/xapi/activities/state?${STATE}&stateId=s`, body: {}, headers: XAPI }),
  deleteXapiState: () => ({ path: `/xapi/activities/state?${STATE}`, headers: XAPI }),
  getXapiActivityProfile: () => ({ path: `/xapi/activities/profile?${ACTIVITY}`, headers: XAPI }),
  putXapiActivityProfile: () => ({
    path: `/xapi/activities/profile?${ACTIVITY}&profileId=p`,
    body: {},
    headers: XAPI,
  }),
  mergeXapiActivityProfile: () => ({
    path: `/xapi/activities/profile?${ACTIVITY}&profileId=p`,
    body: {},
    headers: XAPI,
  }),
  deleteXapiActivityProfile: () => ({
    path: `/xapi/activities/profile?${ACTIVITY}&profileId=p`,
    headers: XAPI,
  }),
  getXapiAgentProfile: () => ({ path: `/xapi/agents/profile?${AGENT}`, headers: XAPI }),
  putXapiAgentProfile: () => ({ path: `/xapi/agents/profile?${AGENT}&profileId=p`, body: {}, headers: XAPI }),
  mergeXapiAgentProfile: () => ({
    path: `/xapi/agents/profile?${AGENT}&profileId=p`,
    body: {},
    headers: XAPI,
  }),
  deleteXapiAgentProfile: () => ({ path: `/xapi/agents/profile?${AGENT}&profileId=p`, headers: XAPI }),
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

function scopesIn(allowed: Allowed): ApiScope[] {
  return typeof allowed === 'string' ? [] : SCOPE_NAMES.filter((scope) => allowed.includes(scope));
}

/**
 * The callers of a route: anonymous, each role, a client per scope the table names, a client without them,
 * and a SCIM token.
 */
function callersOf(routeId: string): Caller[] {
  const scoped = scopesIn(ALLOWED[routeId] ?? []).map((scope): Caller => `client with ${scope}`);
  return ['anonymous', ...ROLES, ...scoped, 'client without scope', 'SCIM token'];
}

/** The scopes the caller's client holds: the one it is named after, or every scope the table does not name. */
function clientScopes(routeId: string, caller: Caller): ApiScope[] | undefined {
  if (caller.startsWith('client with ')) return [caller.slice('client with '.length) as ApiScope];
  if (caller === 'client without scope') {
    const named = scopesIn(ALLOWED[routeId] ?? []);
    return SCOPE_NAMES.filter((scope) => !named.includes(scope));
  }
  return undefined;
}

/** What the table says: may this caller get past the route's gate? */
function expectedAllowed(route: RouteDefinition, caller: Caller): boolean {
  const allowed = ALLOWED[route.id];
  if (allowed === undefined) throw new Error(`no row in ALLOWED for ${route.id}`);
  if (allowed === 'anyone') return true;
  if (allowed === 'launch') return false;
  if (caller === 'SCIM token') return route.path.startsWith('/scim/v2/') && allowed.includes('lms/scim');
  if (caller === 'anonymous' || caller === 'client without scope') return false;
  if (caller.startsWith('client with ')) return true;
  return allowed.includes(caller as Role);
}

let scimToken: string;

beforeAll(async () => {
  for (const role of ROLES) tokens[role] = await tokenFor(EMAIL[role]);
  const created = await api('POST', '/scim-tokens', {
    token: tokens.admin,
    body: { description: `matrix ${randomUUID().slice(0, 8)}` },
  });
  scimToken = created.json.secret;
  seeded.learnerId = await userIdByEmail(EMAIL.learner);
  seeded.salesId = await departmentIdByName('Sales');
  seeded.salesPersonId = await userIdByEmail('sam.seller@example.com');
});

describe('authorization matrix', () => {
  it('has a row of who may call it and a sample request for every route in the manifest', () => {
    const ids = routes.map((route) => route.id).sort();
    expect(Object.keys(ALLOWED).sort()).toEqual(ids);
    expect(Object.keys(SAMPLES).sort()).toEqual(ids);
  });

  const cases = routes.flatMap((route) =>
    callersOf(route.id).map((caller) => [route.id, caller, route] as const),
  );

  it.each(cases)('%s as %s', async (_id, caller, route: RouteDefinition) => {
    // Prepare
    const sample = SAMPLES[route.id]?.(caller);
    if (!sample) throw new Error(`no sample for ${route.id}`);
    const scopes = clientScopes(route.id, caller);
    const token =
      caller === 'SCIM token' ? scimToken : scopes ? await clientToken(scopes) : tokens[caller as Role];
    // Act
    const response = await api(route.method, sample.path, {
      token,
      body: sample.body,
      headers: sample.headers,
    });
    // Assess
    if (expectedAllowed(route, caller)) {
      expect(response.status, `${caller} should get past authorization: ${response.text}`).not.toBe(401);
      expect(response.status, `${caller} should get past authorization: ${response.text}`).not.toBe(403);
      expect(response.status).toBeLessThan(500);
    } else {
      const refusedByFunction = ALLOWED[route.id] === 'launch';
      expect(response.status).toBe(caller === 'anonymous' || refusedByFunction ? 401 : 403);
      // The gateway refuses an anonymous caller itself (as API Gateway does): problem+json; a SCIM route's
      // function answers SCIM error bodies (RFC 7644 §3.12).
      const refusedBy = route.protocol === 'scim' && caller !== 'anonymous' ? 'scim' : 'problem';
      expect(response.headers.get('content-type')).toBe(
        refusedBy === 'scim' ? 'application/scim+json' : 'application/problem+json',
      );
    }
  });
});
