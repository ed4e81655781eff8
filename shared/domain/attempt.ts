/**
 * Attempts: one learner's session(s) in one SCO or AU of one content version, from launch to the end. The
 * SCORM data model (or, for cmi5 and xAPI, what the AU's statements say) decides the attempt's completion,
 * success and score, which flow into the enrollment. Also the runtime API's bodies (the player's contract).
 */
import * as z from 'zod';
import { Id, IsoDateTime } from './common.ts';

/** How the content talks to the LMS: the SCORM runtime API (1.2 or 2004), or xAPI statements (cmi5, xAPI). */
export const RUNTIME_STANDARDS = ['scorm12', 'scorm2004', 'cmi5', 'xapi'] as const;
export type RuntimeStandard = (typeof RUNTIME_STANDARDS)[number];

/**
 * `launched`: created, the content not yet initialised; `running`: initialised; `suspended`: the learner left
 * with `cmi.exit = suspend` (the next launch resumes it); `ended`: finished normally, or terminated (cmi5);
 * `abandoned`: a newer launch found it still running (cmi5's abandoned), or it was never initialised.
 */
export const ATTEMPT_STATUSES = ['launched', 'running', 'suspended', 'ended', 'abandoned'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export const COMPLETION_STATUSES = ['completed', 'incomplete', 'not attempted', 'unknown'] as const;
export const SUCCESS_STATUSES = ['passed', 'failed', 'unknown'] as const;

/** What an attempt has achieved so far, in SCORM 2004's terms (1.2's lesson_status is mapped onto them). */
export const AttemptOutcome = z.object({
  completion: z.enum(COMPLETION_STATUSES),
  success: z.enum(SUCCESS_STATUSES),
  /** -1..1 (SCORM 2004 score.scaled; 1.2's raw score over its range; cmi5's result.score.scaled). */
  scoreScaled: z.number().min(-1).max(1).nullable(),
  /** Time spent over every session of the attempt, in seconds. */
  totalSeconds: z.number().min(0),
});
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

export const Attempt = z
  .object({
    id: Id,
    courseId: Id,
    userId: Id,
    /** The content version the attempt plays, for its whole life (a new import never changes it). */
    contentVersion: z.number().int().min(1),
    standard: z.enum(RUNTIME_STANDARDS),
    /** The SCO's item identifier (SCORM) or the AU's id (cmi5, xAPI). */
    scoId: z.string(),
    /** An administrator's preview: never counted, never changes the enrollment. */
    preview: z.boolean(),
    /** Who launched it (the learner, or the previewing administrator's user id). */
    launchedBy: z.string(),
    status: z.enum(ATTEMPT_STATUSES),
    launchedAt: IsoDateTime,
    /** The content's first Initialize (SCORM) or `initialized` statement (cmi5), on the LMS's clock. */
    initializedAt: IsoDateTime.nullable(),
    /** Course load time: launch to first initialisation, in milliseconds. */
    loadMs: z.number().int().min(0).nullable(),
    /** The content page's own load timing as the player measured it (navigation to load event). */
    pageLoadMs: z.number().int().min(0).nullable(),
    endedAt: IsoDateTime.nullable(),
    /** The sequence number of the last commit applied (0: none yet). */
    seq: z.number().int().min(0),
    outcome: AttemptOutcome,
    /** Errors the content reported (SCORM GetLastError codes, failed commits), the latest few. */
    errors: z.array(z.object({ at: IsoDateTime, code: z.number().int(), message: z.string() })),
    errorCount: z.number().int().min(0),
    version: z.number().int().min(1),
  })
  .meta({ id: 'Attempt' });
export type Attempt = z.infer<typeof Attempt>;

export const LaunchBody = z
  .strictObject({
    scoId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("The SCO or AU to launch. Default: the package's first launchable one"),
  })
  .meta({ id: 'Launch' });

export const LaunchResult = z
  .object({
    attempt: Attempt,
    /** The player page on the content origin; the launch token travels in its fragment, never to a server. */
    launchUrl: z.string(),
    /** Bearer token for `/attempts/{id}/...`, scoped to this attempt. */
    launchToken: z.string(),
    expiresAt: IsoDateTime,
    /** `resume`: a suspended attempt continues; `new`: a new attempt. */
    entry: z.enum(['new', 'resume']),
  })
  .meta({ id: 'LaunchResult' });
export type LaunchResult = z.infer<typeof LaunchResult>;

export const AttemptIdParams = z.strictObject({ id: Id });

/** SCORM data model values as flattened dot paths (`cmi.core.lesson_status`), as the SCO set them. */
export const CmiValues = z.record(
  z.string().min(1).max(255),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
);

/** `GET /attempts/{id}/cmi`: what the player initialises the SCORM API with (or, for cmi5, where to go). */
export const RuntimeState = z
  .object({
    attemptId: Id,
    standard: z.enum(RUNTIME_STANDARDS),
    status: z.enum(ATTEMPT_STATUSES),
    /** The last commit applied: the player's next commit is `seq + 1`. */
    seq: z.number().int().min(0),
    /** Readable data model elements (SCORM); empty for cmi5 and xAPI. */
    cmi: z.record(z.string(), z.string()),
    /** The SCO or AU's absolute URL (cmi5: with its launch parameters, and the one-time fetch URL). */
    contentUrl: z.string(),
  })
  .meta({ id: 'RuntimeState' });
export type RuntimeState = z.infer<typeof RuntimeState>;

/** `PUT /attempts/{id}/cmi`: one commit (SCORM Commit / LMSCommit, Terminate / LMSFinish). */
export const CommitBody = z
  .strictObject({
    seq: z.number().int().min(1).describe('1, 2, 3... per attempt: a retry repeats its number'),
    values: CmiValues.describe(
      'The data model as the SCO left it (flattened); unchanged elements are ignored',
    ),
    terminate: z
      .boolean()
      .default(false)
      .describe('Terminate / LMSFinish: the session ends with this commit'),
  })
  .meta({ id: 'Commit' });
export type CommitBody = z.infer<typeof CommitBody>;

export const CommitResult = z
  .object({
    /** scorm-again's response contract: "true" when the commit was applied. */
    result: z.literal('true'),
    errorCode: z.literal(0),
    seq: z.number().int(),
    status: z.enum(ATTEMPT_STATUSES),
    outcome: AttemptOutcome,
    /** A retry of a commit already applied: nothing changed. */
    replayed: z.boolean(),
  })
  .meta({ id: 'CommitResult' });

/** `POST /attempts/{id}/events`: what the player observes that is not data model (timings, SCO errors). */
export const RuntimeEventBody = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('initialized') }),
    z.strictObject({ type: z.literal('page-loaded'), durationMs: z.number().int().min(0).max(3_600_000) }),
    z.strictObject({
      type: z.literal('sco-error'),
      code: z.number().int().min(0).max(65535),
      message: z.string().max(500),
    }),
  ])
  .meta({ id: 'RuntimeEvent' });
export type RuntimeEventBody = z.infer<typeof RuntimeEventBody>;

export const CoursePerformanceQuery = z.strictObject({
  from: IsoDateTime.optional().describe('Launches from this time on. Default: 30 days before `to`'),
  to: IsoDateTime.optional().describe('Launches before this time. Default: now'),
});

const LoadTimes = z.object({
  /** Launches (learners' sessions; previews are never counted). */
  launches: z.number().int(),
  /** Launches whose content never called Initialize (or sent `initialized`). */
  neverInitialized: z.number().int(),
  /** Launch to first initialisation, in milliseconds; null without an initialised launch. */
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  /** The content page's own load time as the player measured it. */
  pageLoadP50Ms: z.number().nullable(),
});

/** `GET /courses/{id}/performance`: how long learners wait for the course, and what goes wrong. */
export const CoursePerformance = z
  .object({
    courseId: Id,
    from: IsoDateTime,
    to: IsoDateTime,
    overall: LoadTimes,
    byVersion: z.array(LoadTimes.extend({ contentVersion: z.number().int() })),
    byDay: z.array(LoadTimes.extend({ day: z.string() })),
    /** Errors the content reported, by SCORM error code, most frequent first. */
    errors: z.array(z.object({ code: z.number().int(), count: z.number().int(), lastMessage: z.string() })),
    /** More launches than one answer reads: the figures are of the newest ones only. */
    truncated: z.boolean(),
  })
  .meta({ id: 'CoursePerformance' });
export type CoursePerformance = z.infer<typeof CoursePerformance>;
