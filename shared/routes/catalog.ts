/** Catalog routes: courses, their lifecycle, categories, learning paths. */
import * as z from 'zod';
import { Id, pageOf } from '../domain/common.ts';
import { ContentRestore } from '../domain/content.ts';
import {
  Category,
  Course,
  CourseIdParams,
  CreateCategoryBody,
  CreateCourseBody,
  CreateLearningPathBody,
  DueForReviewQuery,
  LearningPath,
  ListCoursesQuery,
  UpdateCategoryBody,
  UpdateCourseBody,
  UpdateLearningPathBody,
  WaiverBody,
} from '../domain/course.ts';
import { defineRoute } from '../http/route.ts';

const EVERYONE = ['admin', 'manager', 'instructor', 'learner'] as const;
const CONTENT_OWNERS = ['admin', 'instructor'] as const;
const IdParams = z.strictObject({ id: Id });

export const createCourse = defineRoute({
  id: 'createCourse',
  method: 'POST',
  path: '/courses',
  handler: 'functions/catalog/create-course.ts',
  summary: 'Create a draft course (instructors become its owner)',
  tag: 'Catalog',
  access: { roles: CONTENT_OWNERS },
  request: { body: CreateCourseBody, idempotent: true },
  response: { status: 201, description: 'Created, as a draft', body: Course },
  needs: { table: 'write' },
});

export const listCourses = defineRoute({
  id: 'listCourses',
  method: 'GET',
  path: '/courses',
  handler: 'functions/catalog/list-courses.ts',
  summary:
    'Search and filter the catalog (published courses; admins and owners also see drafts and archived)',
  tag: 'Catalog',
  access: { roles: EVERYONE, scopes: ['lms/courses.read'] },
  request: { query: ListCoursesQuery },
  response: { status: 200, description: 'A page of courses, by title', body: pageOf(Course) },
  needs: { table: 'read' },
});

export const listCoursesDueForReview = defineRoute({
  id: 'listCoursesDueForReview',
  method: 'GET',
  path: '/courses/due-for-review',
  handler: 'functions/catalog/list-courses-due-for-review.ts',
  summary: 'Courses whose review date has come: content due for review',
  tag: 'Catalog',
  access: { roles: ['admin'] },
  request: { query: DueForReviewQuery },
  response: { status: 200, description: 'A page of courses', body: pageOf(Course) },
  needs: { table: 'read' },
});

export const getCourse = defineRoute({
  id: 'getCourse',
  method: 'GET',
  path: '/courses/{id}',
  handler: 'functions/catalog/get-course.ts',
  summary: 'Read a course',
  tag: 'Catalog',
  access: { roles: EVERYONE, scopes: ['lms/courses.read'] },
  request: { params: CourseIdParams },
  response: { status: 200, description: 'The course; ETag carries the version', body: Course },
  needs: { table: 'read' },
});

export const updateCourse = defineRoute({
  id: 'updateCourse',
  method: 'PATCH',
  path: '/courses/{id}',
  handler: 'functions/catalog/update-course.ts',
  summary: 'Change a course (prerequisites must not form a cycle; only admins change owners)',
  tag: 'Catalog',
  access: { roles: CONTENT_OWNERS },
  request: { params: CourseIdParams, body: UpdateCourseBody, ifMatch: 'required' },
  response: { status: 200, description: 'The updated course', body: Course },
  needs: { table: 'write' },
});

const lifecycle = (id: string, verb: string, summary: string, roles: readonly ('admin' | 'instructor')[]) =>
  defineRoute({
    id,
    method: 'POST',
    path: `/courses/{id}/${verb}`,
    handler: `functions/catalog/${verb}-course.ts`,
    summary,
    tag: 'Catalog',
    access: { roles },
    request: { params: CourseIdParams, ifMatch: 'optional' },
    response: { status: 200, description: 'The course in its new state', body: Course },
    needs: { table: 'write' },
  });

export const publishCourse = lifecycle(
  'publishCourse',
  'publish',
  'Publish a draft (refused while its content has critical or serious accessibility violations and no waiver)',
  CONTENT_OWNERS,
);
export const archiveCourse = lifecycle(
  'archiveCourse',
  'archive',
  'Archive a course: it leaves the catalog and takes no new enrollments; its records stay',
  CONTENT_OWNERS,
);
/** The course back in draft, with the run that brings its archived content back, if any. */
const UnarchivedCourse = Course.extend({ contentRestore: ContentRestore }).meta({ id: 'UnarchivedCourse' });

export const unarchiveCourse = defineRoute({
  id: 'unarchiveCourse',
  method: 'POST',
  path: '/courses/{id}/unarchive',
  handler: 'functions/catalog/unarchive-course.ts',
  summary:
    'Return an archived course to draft; content moved to archive storage comes back to S3 Standard by a run (contentRestore: follow it with GET /jobs/{id})',
  tag: 'Catalog',
  access: { roles: ['admin'] },
  request: { params: CourseIdParams, ifMatch: 'optional' },
  response: {
    status: 200,
    description: 'The course in draft, and its content restore',
    body: UnarchivedCourse,
  },
  // Reads the content versions' storage; requests the restore run from the archival queue's worker.
  needs: { table: 'write', queues: { archival: 'send' } },
});

export const waiveCourseAccessibility = defineRoute({
  id: 'waiveCourseAccessibility',
  method: 'POST',
  path: '/courses/{id}/accessibility-waiver',
  handler: 'functions/catalog/waive-course-accessibility.ts',
  summary: 'Record why the current content may be published despite accessibility violations',
  tag: 'Catalog',
  access: { roles: ['admin'] },
  request: { params: CourseIdParams, body: WaiverBody },
  response: { status: 200, description: 'The course with its waiver', body: Course },
  needs: { table: 'write' },
});

export const createCategory = defineRoute({
  id: 'createCategory',
  method: 'POST',
  path: '/categories',
  handler: 'functions/catalog/create-category.ts',
  summary: 'Create a catalog category (names unique among siblings)',
  tag: 'Catalog',
  access: { roles: ['admin'] },
  request: { body: CreateCategoryBody, idempotent: true },
  response: { status: 201, description: 'Created', body: Category },
  needs: { table: 'write' },
});

export const listCategories = defineRoute({
  id: 'listCategories',
  method: 'GET',
  path: '/categories',
  handler: 'functions/catalog/list-categories.ts',
  summary: 'Every category, by name (a small set: no pagination)',
  tag: 'Catalog',
  access: { roles: EVERYONE, scopes: ['lms/courses.read'] },
  request: {},
  response: { status: 200, description: 'The categories', body: z.object({ items: z.array(Category) }) },
  needs: { table: 'read' },
});

export const updateCategory = defineRoute({
  id: 'updateCategory',
  method: 'PATCH',
  path: '/categories/{id}',
  handler: 'functions/catalog/update-category.ts',
  summary: 'Rename or move a category (no cycles)',
  tag: 'Catalog',
  access: { roles: ['admin'] },
  request: { params: IdParams, body: UpdateCategoryBody, ifMatch: 'required' },
  response: { status: 200, description: 'The updated category', body: Category },
  needs: { table: 'write' },
});

export const createLearningPath = defineRoute({
  id: 'createLearningPath',
  method: 'POST',
  path: '/learning-paths',
  handler: 'functions/catalog/create-learning-path.ts',
  summary: 'Create a learning path: an ordered list of courses',
  tag: 'Catalog',
  access: { roles: ['admin'] },
  request: { body: CreateLearningPathBody, idempotent: true },
  response: { status: 201, description: 'Created', body: LearningPath },
  needs: { table: 'write' },
});

export const listLearningPaths = defineRoute({
  id: 'listLearningPaths',
  method: 'GET',
  path: '/learning-paths',
  handler: 'functions/catalog/list-learning-paths.ts',
  summary: 'Learning paths, by title',
  tag: 'Catalog',
  access: { roles: EVERYONE, scopes: ['lms/courses.read'] },
  request: {
    query: z.strictObject({ limit: DueForReviewQuery.shape.limit, cursor: DueForReviewQuery.shape.cursor }),
  },
  response: { status: 200, description: 'A page of learning paths', body: pageOf(LearningPath) },
  needs: { table: 'read' },
});

export const getLearningPath = defineRoute({
  id: 'getLearningPath',
  method: 'GET',
  path: '/learning-paths/{id}',
  handler: 'functions/catalog/get-learning-path.ts',
  summary: 'Read a learning path',
  tag: 'Catalog',
  access: { roles: EVERYONE, scopes: ['lms/courses.read'] },
  request: { params: IdParams },
  response: { status: 200, description: 'The learning path', body: LearningPath },
  needs: { table: 'read' },
});

export const updateLearningPath = defineRoute({
  id: 'updateLearningPath',
  method: 'PATCH',
  path: '/learning-paths/{id}',
  handler: 'functions/catalog/update-learning-path.ts',
  summary: 'Change a learning path',
  tag: 'Catalog',
  access: { roles: ['admin'] },
  request: { params: IdParams, body: UpdateLearningPathBody, ifMatch: 'required' },
  response: { status: 200, description: 'The updated learning path', body: LearningPath },
  needs: { table: 'write' },
});
