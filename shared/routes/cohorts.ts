/** Cohort routes: static and rule cohorts, their members, a person's cohorts, and cohort-to-course links. */
import * as z from 'zod';
import {
  Cohort,
  CohortCourseLink,
  CohortCourseParams,
  CohortEnrollmentResult,
  CohortIdParams,
  CohortMember,
  CohortMemberOutcome,
  CohortMemberParams,
  CohortMembersBody,
  CreateCohortBody,
  LinkCohortCourseBody,
  ListCohortsQuery,
  UpdateCohortBody,
} from '../domain/cohort.ts';
import { pageOf } from '../domain/common.ts';
import { UserIdParams } from '../domain/user.ts';
import { defineRoute } from '../http/route.ts';

export const createCohort = defineRoute({
  id: 'createCohort',
  method: 'POST',
  path: '/cohorts',
  handler: 'functions/cohorts/create-cohort.ts',
  summary:
    'Create a static cohort, or a rule cohort whose members are evaluated now (a rule matching everyone needs confirmMatchesEveryone)',
  tag: 'Cohorts',
  access: { roles: ['admin'] },
  request: { body: CreateCohortBody, idempotent: true },
  response: {
    status: 201,
    description: 'Created, with its member count; ETag carries the version',
    body: Cohort,
  },
  needs: { table: 'write' },
});

export const listCohorts = defineRoute({
  id: 'listCohorts',
  method: 'GET',
  path: '/cohorts',
  handler: 'functions/cohorts/list-cohorts.ts',
  summary: 'List cohorts by name',
  tag: 'Cohorts',
  access: { roles: ['admin', 'manager'], scopes: ['lms/users.read'] },
  request: { query: ListCohortsQuery },
  response: { status: 200, description: 'A page of cohorts', body: pageOf(Cohort) },
  needs: { table: 'read' },
});

export const getCohort = defineRoute({
  id: 'getCohort',
  method: 'GET',
  path: '/cohorts/{id}',
  handler: 'functions/cohorts/get-cohort.ts',
  summary: 'Read a cohort and its rule',
  tag: 'Cohorts',
  access: { roles: ['admin', 'manager'], scopes: ['lms/users.read'] },
  request: { params: CohortIdParams },
  response: { status: 200, description: 'The cohort; ETag carries the version', body: Cohort },
  needs: { table: 'read' },
});

export const updateCohort = defineRoute({
  id: 'updateCohort',
  method: 'PATCH',
  path: '/cohorts/{id}',
  handler: 'functions/cohorts/update-cohort.ts',
  summary:
    'Rename a cohort or change its rule (members are re-evaluated); send the ETag you read as If-Match',
  tag: 'Cohorts',
  access: { roles: ['admin'] },
  request: { params: CohortIdParams, body: UpdateCohortBody, ifMatch: 'required' },
  response: { status: 200, description: 'The cohort after re-evaluation', body: Cohort },
  needs: { table: 'write' },
});

export const reevaluateCohort = defineRoute({
  id: 'reevaluateCohort',
  method: 'POST',
  path: '/cohorts/{id}/reevaluate',
  handler: 'functions/cohorts/reevaluate-cohort.ts',
  summary: "Evaluate a rule cohort's rule over everyone now (members join and leave to match)",
  tag: 'Cohorts',
  access: { roles: ['admin'] },
  request: { params: CohortIdParams },
  response: { status: 200, description: 'The cohort with its member count', body: Cohort },
  needs: { table: 'write' },
});

export const listCohortMembers = defineRoute({
  id: 'listCohortMembers',
  method: 'GET',
  path: '/cohorts/{id}/members',
  handler: 'functions/cohorts/list-cohort-members.ts',
  summary: "A cohort's members, each with how they got in (managers: their subtree's people)",
  tag: 'Cohorts',
  access: { roles: ['admin', 'manager'], scopes: ['lms/users.read'] },
  request: { params: CohortIdParams, query: ListCohortsQuery },
  response: { status: 200, description: 'A page of members', body: pageOf(CohortMember) },
  needs: { table: 'read' },
});

export const addCohortMembers = defineRoute({
  id: 'addCohortMembers',
  method: 'POST',
  path: '/cohorts/{id}/members',
  handler: 'functions/cohorts/add-cohort-members.ts',
  summary: 'Add up to 100 people to a static cohort (its linked courses enroll them); one outcome per person',
  tag: 'Cohorts',
  access: { roles: ['admin'], scopes: ['lms/users.write'] },
  request: { params: CohortIdParams, body: CohortMembersBody, idempotent: true },
  response: {
    status: 200,
    description: 'What happened to each person',
    body: z.object({ results: z.array(CohortMemberOutcome) }),
  },
  needs: { table: 'write' },
});

export const removeCohortMember = defineRoute({
  id: 'removeCohortMember',
  method: 'DELETE',
  path: '/cohorts/{id}/members/{userId}',
  handler: 'functions/cohorts/remove-cohort-member.ts',
  summary:
    "Remove a person from a static cohort (linked courses withdraw or keep them, per each link's policy)",
  tag: 'Cohorts',
  access: { roles: ['admin'], scopes: ['lms/users.write'] },
  request: { params: CohortMemberParams },
  response: { status: 204, description: 'Removed' },
  needs: { table: 'write' },
});

export const listUserCohorts = defineRoute({
  id: 'listUserCohorts',
  method: 'GET',
  path: '/users/{id}/cohorts',
  handler: 'functions/cohorts/list-user-cohorts.ts',
  summary: "The cohorts a person is in (managers: their subtree's people; learners: their own)",
  tag: 'Cohorts',
  access: { roles: ['admin', 'manager', 'learner'], scopes: ['lms/users.read'] },
  request: { params: UserIdParams },
  response: {
    status: 200,
    description: 'Their cohorts',
    body: z.object({ items: z.array(CohortMember.extend({ cohortName: z.string() })) }),
  },
  needs: { table: 'read' },
});

export const linkCohortCourse = defineRoute({
  id: 'linkCohortCourse',
  method: 'POST',
  path: '/cohorts/{id}/courses',
  handler: 'functions/cohorts/link-cohort-course.ts',
  summary:
    'Link a cohort to a course: every member is enrolled now and every joiner later; leavers are withdrawn or kept. Linking again finishes an interrupted run',
  tag: 'Cohorts',
  access: { roles: ['admin'] },
  request: { params: CohortIdParams, body: LinkCohortCourseBody, idempotent: true },
  response: {
    status: 200,
    description: 'The link and what happened to the members',
    body: CohortEnrollmentResult,
  },
  needs: { table: 'write' },
  // A 10,000-member cohort takes a few seconds; anything left when it stops is finished by linking again.
  timeoutSeconds: 29,
});

export const listCohortCourses = defineRoute({
  id: 'listCohortCourses',
  method: 'GET',
  path: '/cohorts/{id}/courses',
  handler: 'functions/cohorts/list-cohort-courses.ts',
  summary: 'The courses a cohort is linked to, with each link’s leave policy and due date rule',
  tag: 'Cohorts',
  access: { roles: ['admin', 'manager'] },
  request: { params: CohortIdParams },
  response: { status: 200, description: 'Its links', body: z.object({ items: z.array(CohortCourseLink) }) },
  needs: { table: 'read' },
});

export const unlinkCohortCourse = defineRoute({
  id: 'unlinkCohortCourse',
  method: 'DELETE',
  path: '/cohorts/{id}/courses/{courseId}',
  handler: 'functions/cohorts/unlink-cohort-course.ts',
  summary: 'Stop syncing a cohort to a course (existing enrollments stay, with their cohort source)',
  tag: 'Cohorts',
  access: { roles: ['admin'] },
  request: { params: CohortCourseParams },
  response: { status: 204, description: 'Unlinked' },
  needs: { table: 'write' },
});
