/** Content versions: what a package import produced for a course, immutable once written. */
import * as z from 'zod';
import { Id, IsoDateTime } from './common.ts';
import { JobFinding, JobStatus } from './job.ts';

export const STANDARDS = [
  'scorm12',
  'scorm2004-2nd',
  'scorm2004-3rd',
  'scorm2004-4th',
  'cmi5',
  'xapi',
] as const;

export const AccessibilitySummary = z.object({
  critical: z.number().int(),
  serious: z.number().int(),
  moderate: z.number().int(),
  minor: z.number().int(),
  filesScanned: z.number().int(),
  filesWithViolations: z.number().int(),
  /** Files that could not be scanned (too large, timed out): listed in the full report, they do not block. */
  filesWithErrors: z.number().int(),
  blocking: z.boolean(),
  notChecked: z.array(z.object({ ruleId: z.string(), reason: z.string() })),
});

/**
 * One thing a learner may launch (a SCORM item with its SCO, a cmi5 AU, an xAPI activity) with what the
 * runtime needs to launch it: its URL in the package and the manifest's settings for it.
 */
export const Launchable = z.object({
  /** The SCORM item's identifier, the cmi5 AU's id, the xAPI activity's id. */
  identifier: z.string(),
  title: z.string(),
  /** Package-relative (xml:base and parameters applied) or absolute URL. */
  url: z.string(),
  /** 0..1: SCORM 1.2 masteryscore / 100, SCORM 2004 minNormalizedMeasure, cmi5 masteryScore. */
  masteryScore: z.number().min(0).max(1).optional(),
  dataFromLms: z.string().optional(),
  maxTimeAllowed: z.string().optional(),
  timeLimitAction: z.string().optional(),
  /** cmi5 only. */
  moveOn: z
    .enum(['Passed', 'Completed', 'CompletedAndPassed', 'CompletedOrPassed', 'NotApplicable'])
    .optional(),
  launchMethod: z.enum(['AnyWindow', 'OwnWindow']).optional(),
  launchParameters: z.string().optional(),
});
export type Launchable = z.infer<typeof Launchable>;

/** Where a content version's objects are kept: S3 Standard, or archive storage (Glacier Instant Retrieval). */
export const ContentStorage = z.enum(['standard', 'archive']);
export type ContentStorage = z.infer<typeof ContentStorage>;

/** The S3 object tag the content bucket's lifecycle rule moves to archive storage (a contract with CDK). */
export const ARCHIVE_TAG = { key: 'lms-storage', value: 'archive' } as const;

export const ContentVersion = z
  .object({
    courseId: Id,
    version: z.number().int().min(1),
    standard: z.enum(STANDARDS),
    title: z.string(),
    /** Package-relative launch URL (with its parameters). */
    launchUrl: z.string(),
    /** Where learners start it: the content path under the content bucket / CDN. */
    contentPrefix: z.string(),
    scoCount: z.number().int(),
    scos: z.array(
      z.object({
        identifier: z.string(),
        title: z.string(),
        launchUrl: z.string(),
        accessibility: AccessibilitySummary.nullable(),
      }),
    ),
    fileCount: z.number().int(),
    totalBytes: z.number().int(),
    hasSequencing: z.boolean(),
    /** What learners launch, in course order (versions imported before the runtime: none, `launchUrl` is used). */
    launchables: z.array(Launchable).default([]),
    /** cmi5: the course structure's course id (an IRI), the object of the LMS's course-level statements. */
    courseStructureId: z.string().nullable().default(null),
    warnings: z.array(JobFinding),
    accessibility: AccessibilitySummary,
    jobId: Id,
    importedBy: z.string(),
    importedAt: IsoDateTime,
    /**
     * `archive`: every object of the version is tagged `lms-storage=archive`, which the content bucket's
     * lifecycle rule moves to S3 Glacier Instant Retrieval (still read instantly: launches work as before).
     * Versions stored before archival existed are `standard`.
     */
    storage: ContentStorage.default('standard'),
    /** When `storage` last changed (archival, or an unarchive's restore); null: never. */
    storageChangedAt: IsoDateTime.nullable().default(null),
  })
  .meta({ id: 'ContentVersion' });
export type ContentVersion = z.infer<typeof ContentVersion>;

/**
 * The run an unarchive requested to bring the course's archived content back to S3 Standard (follow it with
 * `GET /jobs/{id}`: `result.ready` once done); null when none of its content was in archive storage.
 */
export const ContentRestore = z
  .object({ jobId: Id, status: JobStatus })
  .nullable()
  .meta({ id: 'ContentRestore' });
export type ContentRestore = z.infer<typeof ContentRestore>;

export const ContentVersionParams = z.strictObject({
  id: Id,
  version: z.coerce.number().int().min(1).max(999_999),
});

/** The largest package the server accepts; the upload is refused above it, and processing re-checks. */
export const MAX_PACKAGE_BYTES = 2 * 1024 * 1024 * 1024;
/** Above this, uploads go in parts (S3 multipart); below it, one PUT. */
export const MULTIPART_THRESHOLD_BYTES = 100 * 1024 * 1024;
export const PART_SIZE_BYTES = 64 * 1024 * 1024;

export const RequestPackageUploadBody = z
  .strictObject({
    fileName: z
      .string()
      .min(5)
      .max(255)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      .regex(/^[^/\\\u0000-\u001f]+\.zip$/i, 'a .zip file name, without folders'),
    sizeBytes: z.number().int().min(1).max(MAX_PACKAGE_BYTES, `at most ${MAX_PACKAGE_BYTES} bytes (2 GiB)`),
  })
  .meta({ id: 'RequestPackageUpload' });

/** Where to upload a file: one presigned PUT up to 100 MB, presigned parts above (packages and imports). */
export const PresignedUpload = z
  .union([
    z.object({
      method: z.literal('PUT'),
      url: z.string(),
      headers: z.record(z.string(), z.string()),
      expiresAt: IsoDateTime,
    }),
    z.object({
      method: z.literal('MULTIPART'),
      uploadId: z.string(),
      partSize: z.number().int(),
      parts: z.array(
        z.object({
          partNumber: z.number().int(),
          sizeBytes: z
            .number()
            .int()
            .describe('PUT exactly this many bytes: the URL signs the length, and S3 refuses any other'),
          url: z.string(),
        }),
      ),
      completeWith: z
        .string()
        .describe('POST here with the ETag of each part ({ partNumber, etag }) once every part is uploaded'),
      expiresAt: IsoDateTime,
    }),
  ])
  .meta({ id: 'PresignedUpload' });
export type PresignedUpload = z.infer<typeof PresignedUpload>;

export const PackageUpload = z
  .object({ job: z.object({ id: Id, status: z.string() }), upload: PresignedUpload })
  .meta({ id: 'PackageUpload' });

export const CompleteUploadBody = z
  .strictObject({
    parts: z
      .array(
        z.strictObject({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) }),
      )
      .min(1)
      .max(10_000),
  })
  .meta({ id: 'CompletePackageUpload' });
export const PackageJobParams = z.strictObject({ id: Id, jobId: Id });
