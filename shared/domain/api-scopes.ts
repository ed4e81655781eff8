/**
 * The scopes of the `lms` resource server, without zod: the principal (read on every request) needs the
 * names, and a handler's cold start should not build the machine-client schemas to get them.
 */

/** The resource server identifier: scopes are `lms/<name>`. */
export const RESOURCE_SERVER = 'lms';

/** Every scope a machine client can hold, and what it lets the client do (also the resource server's list). */
export const API_SCOPES = {
  'lms/users.read': 'Read people, departments and cohorts',
  'lms/users.write': 'Create, update, suspend and reactivate people; manage departments and static cohorts',
  'lms/courses.read': 'Read the catalog: courses, categories and learning paths',
  'lms/enrollments.write': 'Enroll, withdraw and complete enrollments, and change due dates',
  'lms/reports.read': 'Read enrollments, completion and compliance',
  'lms/scim':
    'Provision people and groups through SCIM 2.0 (/scim/v2) from an identity provider; opens nothing else',
} as const;
export type ApiScope = keyof typeof API_SCOPES;
export const SCOPE_NAMES = Object.keys(API_SCOPES) as ApiScope[];
