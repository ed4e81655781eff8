/**
 * Learning runtime routes: launching a course (an attempt and its launch token), the SCORM runtime API the
 * player commits to, and course load times. The `/attempts/{id}/...` routes are public to API Gateway (no
 * sign-in: the content's player calls them) and authorised by the attempt's launch token in the use case.
 */
import {
  AttemptIdParams,
  CommitBody,
  CommitResult,
  CoursePerformance,
  CoursePerformanceQuery,
  LaunchBody,
  LaunchResult,
  RuntimeEventBody,
  RuntimeState,
} from '../domain/attempt.ts';
import { CourseIdParams } from '../domain/course.ts';
import { CourseEnrollmentParams } from '../domain/enrollment.ts';
import { defineRoute } from '../http/route.ts';

export const launchCourse = defineRoute({
  id: 'launchCourse',
  method: 'POST',
  path: '/courses/{id}/launch',
  handler: 'functions/runtime/launch-course.ts',
  summary:
    'Launch the course for yourself: resumes your unfinished attempt or starts one; gives the player URL',
  tag: 'Runtime',
  access: { roles: ['admin', 'manager', 'instructor', 'learner'] },
  request: { params: CourseIdParams, body: LaunchBody },
  response: {
    status: 201,
    description: 'The attempt, the player URL and its launch token',
    body: LaunchResult,
  },
  needs: { table: 'write', contentDelivery: true },
});

export const previewLaunch = defineRoute({
  id: 'previewLaunch',
  method: 'POST',
  path: '/courses/{id}/enrollments/{userId}/launch',
  handler: 'functions/runtime/preview-launch.ts',
  summary: "Preview a learner's enrollment as they would see it (admins, course owners): never counted",
  tag: 'Runtime',
  access: { roles: ['admin', 'instructor'] },
  request: { params: CourseEnrollmentParams, body: LaunchBody },
  response: { status: 201, description: 'The preview attempt and its player URL', body: LaunchResult },
  needs: { table: 'write', contentDelivery: true },
});

export const getAttemptCmi = defineRoute({
  id: 'getAttemptCmi',
  method: 'GET',
  path: '/attempts/{id}/cmi',
  handler: 'functions/runtime/get-attempt-cmi.ts',
  summary:
    "The attempt's runtime state for the player (launch token only): data model, sequence, content URL",
  tag: 'Runtime',
  access: { public: true },
  request: { params: AttemptIdParams },
  response: { status: 200, description: 'The runtime state', body: RuntimeState },
  needs: { table: 'read' },
});

export const commitAttemptCmi = defineRoute({
  id: 'commitAttemptCmi',
  method: 'PUT',
  path: '/attempts/{id}/cmi',
  handler: 'functions/runtime/commit-attempt-cmi.ts',
  summary: "Commit the SCO's data model (launch token only): validated, applied once per sequence number",
  tag: 'Runtime',
  access: { public: true },
  request: { params: AttemptIdParams, body: CommitBody },
  response: { status: 200, description: 'Applied (or a retry of one applied)', body: CommitResult },
  // 64,000 characters of 2004 suspend_data, 250 interactions and 100 objectives, as JSON.
  maxBodyBytes: 512 * 1024,
  needs: { table: 'write' },
});

export const recordAttemptEvent = defineRoute({
  id: 'recordAttemptEvent',
  method: 'POST',
  path: '/attempts/{id}/events',
  handler: 'functions/runtime/record-attempt-event.ts',
  summary:
    "What the player saw (launch token only): the content's first Initialize, its page load, SCO errors",
  tag: 'Runtime',
  access: { public: true },
  request: { params: AttemptIdParams, body: RuntimeEventBody },
  response: { status: 204, description: 'Recorded' },
  needs: { table: 'write' },
});

export const getCoursePerformance = defineRoute({
  id: 'getCoursePerformance',
  method: 'GET',
  path: '/courses/{id}/performance',
  handler: 'functions/runtime/get-course-performance.ts',
  summary: 'Course load times: p50/p95 per content version and day, launches never initialised, SCO errors',
  tag: 'Runtime',
  access: { roles: ['admin', 'instructor'], scopes: ['lms/reports.read'] },
  request: { params: CourseIdParams, query: CoursePerformanceQuery },
  response: { status: 200, description: 'The figures', body: CoursePerformance },
  needs: { table: 'read' },
});

export const runtimeRoutes = [
  launchCourse,
  previewLaunch,
  getAttemptCmi,
  commitAttemptCmi,
  recordAttemptEvent,
  getCoursePerformance,
] as const;
