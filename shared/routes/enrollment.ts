/** Enrollment routes: enroll people, withdraw them, see a course's enrollments and waitlist, a person's. */
import * as z from 'zod';
import { Id, pageOf, text } from '../domain/common.ts';
import { CourseIdParams } from '../domain/course.ts';
import {
  CompleteEnrollmentBody,
  ComplianceQuery,
  ComplianceRow,
  CourseEnrollmentParams,
  Enrollment,
  EnrollmentExplanation,
  EnrollUsersBody,
  EnrollUsersResult,
  ListEnrollmentsQuery,
  SelfEnrollmentResult,
  UpdateEnrollmentBody,
  WaitlistEntry,
} from '../domain/enrollment.ts';
import { defineRoute } from '../http/route.ts';

export const enrollUsers = defineRoute({
  id: 'enrollUsers',
  method: 'POST',
  path: '/courses/{id}/enrollments',
  handler: 'functions/enrollment/enroll-users.ts',
  summary: 'Enroll up to 100 people (a full course queues them on its waitlist); one outcome per person',
  tag: 'Enrollment',
  access: { roles: ['admin', 'manager', 'instructor'], scopes: ['lms/enrollments.write'] },
  request: { params: CourseIdParams, body: EnrollUsersBody, idempotent: true },
  response: { status: 200, description: 'What happened to each person', body: EnrollUsersResult },
  needs: { table: 'write' },
});

export const listCourseEnrollments = defineRoute({
  id: 'listCourseEnrollments',
  method: 'GET',
  path: '/courses/{id}/enrollments',
  handler: 'functions/enrollment/list-course-enrollments.ts',
  summary: "A course's enrollments, with their sources (admins and the course's owners)",
  tag: 'Enrollment',
  access: { roles: ['admin', 'instructor'], scopes: ['lms/reports.read'] },
  request: { params: CourseIdParams, query: ListEnrollmentsQuery },
  response: { status: 200, description: 'A page of enrollments', body: pageOf(Enrollment) },
  needs: { table: 'read' },
});

export const listWaitlist = defineRoute({
  id: 'listWaitlist',
  method: 'GET',
  path: '/courses/{id}/waitlist',
  handler: 'functions/enrollment/list-waitlist.ts',
  summary: "A full course's waitlist, first in line first",
  tag: 'Enrollment',
  access: { roles: ['admin', 'instructor'], scopes: ['lms/reports.read'] },
  request: { params: CourseIdParams, query: ListEnrollmentsQuery },
  response: { status: 200, description: 'A page of waitlist entries', body: pageOf(WaitlistEntry) },
  needs: { table: 'read' },
});

export const withdrawEnrollment = defineRoute({
  id: 'withdrawEnrollment',
  method: 'POST',
  path: '/courses/{id}/enrollments/{userId}/withdraw',
  handler: 'functions/enrollment/withdraw-enrollment.ts',
  summary: 'Withdraw a person, with a reason: the seat goes to the first on the waitlist',
  tag: 'Enrollment',
  access: { roles: ['admin', 'manager', 'instructor'], scopes: ['lms/enrollments.write'] },
  request: { params: CourseEnrollmentParams, body: z.strictObject({ reason: text(500) }) },
  response: { status: 200, description: 'The withdrawn enrollment', body: Enrollment },
  needs: { table: 'write' },
});

export const listUserEnrollments = defineRoute({
  id: 'listUserEnrollments',
  method: 'GET',
  path: '/users/{id}/enrollments',
  handler: 'functions/enrollment/list-user-enrollments.ts',
  summary: "A person's enrollments (managers: their subtree's people; learners: their own)",
  tag: 'Enrollment',
  access: { roles: ['admin', 'manager', 'learner'], scopes: ['lms/reports.read'] },
  request: { params: z.strictObject({ id: Id }) },
  response: { status: 200, description: 'Their enrollments', body: z.object({ items: z.array(Enrollment) }) },
  needs: { table: 'read' },
});

export const completeEnrollment = defineRoute({
  id: 'completeEnrollment',
  method: 'POST',
  path: '/courses/{id}/enrollments/{userId}/complete',
  handler: 'functions/enrollment/complete-enrollment.ts',
  summary: 'Mark a completion by hand (offline training), with a reason and optional score; audited',
  tag: 'Enrollment',
  access: { roles: ['admin', 'instructor'], scopes: ['lms/enrollments.write'] },
  request: { params: CourseEnrollmentParams, body: CompleteEnrollmentBody },
  response: { status: 200, description: 'The completed enrollment', body: Enrollment },
  needs: { table: 'write' },
});

export const selfEnroll = defineRoute({
  id: 'selfEnroll',
  method: 'POST',
  path: '/courses/{id}/self-enroll',
  handler: 'functions/enrollment/self-enroll.ts',
  summary:
    'Enroll yourself in a published course that allows it (missing prerequisites are named when refused)',
  tag: 'Enrollment',
  access: { roles: ['admin', 'manager', 'instructor', 'learner'] },
  request: { params: CourseIdParams },
  response: { status: 200, description: 'Enrolled, or queued on the waitlist', body: SelfEnrollmentResult },
  needs: { table: 'write' },
});

export const explainEnrollment = defineRoute({
  id: 'explainEnrollment',
  method: 'GET',
  path: '/users/{id}/enrollments/{courseId}/explain',
  handler: 'functions/enrollment/explain-enrollment.ts',
  summary:
    'Why is this person enrolled, or why not: sources, waitlist, course state, capacity, prerequisites',
  tag: 'Enrollment',
  access: { roles: ['admin', 'manager', 'learner'], scopes: ['lms/reports.read'] },
  request: { params: z.strictObject({ id: Id, courseId: Id }) },
  response: { status: 200, description: 'The explanation', body: EnrollmentExplanation },
  needs: { table: 'read' },
});

export const getEnrollment = defineRoute({
  id: 'getEnrollment',
  method: 'GET',
  path: '/courses/{id}/enrollments/{userId}',
  handler: 'functions/enrollment/get-enrollment.ts',
  summary: "One enrollment (admins; the course's owners; the person's managers; the person)",
  tag: 'Enrollment',
  access: { roles: ['admin', 'manager', 'instructor', 'learner'], scopes: ['lms/reports.read'] },
  request: { params: CourseEnrollmentParams },
  response: { status: 200, description: 'The enrollment; ETag carries the version', body: Enrollment },
  needs: { table: 'read' },
});

export const updateEnrollment = defineRoute({
  id: 'updateEnrollment',
  method: 'PATCH',
  path: '/courses/{id}/enrollments/{userId}',
  handler: 'functions/enrollment/update-enrollment.ts',
  summary: 'Change the due date of an enrollment, with a reason (send the ETag you read as If-Match)',
  tag: 'Enrollment',
  access: { roles: ['admin', 'manager', 'instructor'], scopes: ['lms/enrollments.write'] },
  request: { params: CourseEnrollmentParams, body: UpdateEnrollmentBody, ifMatch: 'required' },
  response: { status: 200, description: 'The updated enrollment', body: Enrollment },
  needs: { table: 'write' },
});

export const listCompliance = defineRoute({
  id: 'listCompliance',
  method: 'GET',
  path: '/compliance',
  handler: 'functions/enrollment/list-compliance.ts',
  summary:
    'Required training (due dates, certifications) of a department subtree: compliant, pending, overdue or expired',
  tag: 'Enrollment',
  access: { roles: ['admin', 'manager'], scopes: ['lms/reports.read'] },
  request: { query: ComplianceQuery },
  response: {
    status: 200,
    description: 'A page of people’s required enrollments',
    body: pageOf(ComplianceRow),
  },
  needs: { table: 'read' },
});
