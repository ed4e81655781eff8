/** Content routes: package upload and import jobs, content versions and their accessibility reports. */
import * as z from 'zod';
import { pageOf } from '../domain/common.ts';
import {
  CompleteUploadBody,
  ContentVersion,
  ContentVersionParams,
  PackageJobParams,
  PackageUpload,
  RequestPackageUploadBody,
} from '../domain/content.ts';
import { CourseIdParams } from '../domain/course.ts';
import { Job, JobIdParams, ListJobsQuery } from '../domain/job.ts';
import { defineRoute } from '../http/route.ts';

const CONTENT_OWNERS = ['admin', 'instructor'] as const;

export const requestPackageUpload = defineRoute({
  id: 'requestPackageUpload',
  method: 'POST',
  path: '/courses/{id}/packages',
  handler: 'functions/content/request-package-upload.ts',
  summary:
    'Start a package upload (SCORM 1.2/2004, cmi5, xAPI zip): returns the presigned upload and its job',
  tag: 'Content',
  access: { roles: CONTENT_OWNERS },
  request: { params: CourseIdParams, body: RequestPackageUploadBody, idempotent: true },
  response: {
    status: 202,
    description: 'Upload the zip as told; the job then processes it',
    body: PackageUpload,
  },
  // Presigns the upload (PutObject, multipart parts) of packages/<course>/<job>.zip.
  needs: { table: 'write', buckets: { uploads: { access: 'upload', prefix: 'packages/' } } },
});

export const completePackageUpload = defineRoute({
  id: 'completePackageUpload',
  method: 'POST',
  path: '/courses/{id}/packages/{jobId}/complete',
  handler: 'functions/content/complete-package-upload.ts',
  summary: 'Finish a multipart package upload with the ETags of its parts',
  tag: 'Content',
  access: { roles: CONTENT_OWNERS },
  request: { params: PackageJobParams, body: CompleteUploadBody },
  response: {
    status: 202,
    description: 'Assembled; processing starts',
    body: z.object({ job: z.object({ id: z.string(), status: z.string() }) }),
  },
  // Completes the multipart upload (PutObject) and checks its size (HeadObject: GetObject).
  needs: { table: 'read', buckets: { uploads: { access: 'upload', prefix: 'packages/' } } },
});

export const getJob = defineRoute({
  id: 'getJob',
  method: 'GET',
  path: '/jobs/{id}',
  handler: 'functions/jobs/get-job.ts',
  summary: 'A job: its state, progress, findings and result (instructors: jobs they started)',
  tag: 'Jobs',
  access: { roles: CONTENT_OWNERS },
  request: { params: JobIdParams },
  response: { status: 200, description: 'The job', body: Job },
  needs: { table: 'read' },
});

export const listJobs = defineRoute({
  id: 'listJobs',
  method: 'GET',
  path: '/jobs',
  handler: 'functions/jobs/list-jobs.ts',
  summary:
    'Job runs, newest first: package imports, scheduled jobs, backups, restores, drills, exports (of one kind and status when asked)',
  tag: 'Jobs',
  access: { roles: ['admin'] },
  request: { query: ListJobsQuery },
  response: { status: 200, description: 'A page of runs', body: pageOf(Job) },
  needs: { table: 'read' },
});

export const listContentVersions = defineRoute({
  id: 'listContentVersions',
  method: 'GET',
  path: '/courses/{id}/content-versions',
  handler: 'functions/content/list-content-versions.ts',
  summary: 'The imported content versions of a course, newest first',
  tag: 'Content',
  access: { roles: CONTENT_OWNERS },
  request: { params: CourseIdParams },
  response: { status: 200, description: 'The versions', body: z.object({ items: z.array(ContentVersion) }) },
  needs: { table: 'read' },
});

export const getContentVersion = defineRoute({
  id: 'getContentVersion',
  method: 'GET',
  path: '/courses/{id}/content-versions/{version}',
  handler: 'functions/content/get-content-version.ts',
  summary: 'One content version: standard, launch URL, SCOs, warnings, accessibility summary',
  tag: 'Content',
  access: { roles: CONTENT_OWNERS },
  request: { params: ContentVersionParams },
  response: { status: 200, description: 'The version', body: ContentVersion },
  needs: { table: 'read' },
});

export const getAccessibilityReport = defineRoute({
  id: 'getAccessibilityReport',
  method: 'GET',
  path: '/courses/{id}/content-versions/{version}/accessibility',
  handler: 'functions/content/get-accessibility-report.ts',
  summary: 'The full accessibility report of a content version: per file, per rule, with elements',
  tag: 'Content',
  access: { roles: CONTENT_OWNERS },
  request: { params: ContentVersionParams },
  response: {
    status: 200,
    description: 'The report (axe-core in jsdom; see notChecked for what needs a browser)',
  },
  needs: { table: 'read', buckets: { content: { access: 'read', prefix: 'reports/' } } },
});
