/**
 * Domain errors: one class per kind of refusal. Use cases throw them; the HTTP layer maps each to its status
 * (see shared/http/problem.ts), so no use case knows about HTTP.
 */
export abstract class DomainError extends Error {
  /** Field paths the refusal concerns, for `errors[]` in the problem document. */
  readonly fields: { path: string; message: string }[];

  constructor(message: string, fields: { path: string; message: string }[] = []) {
    super(message);
    this.name = new.target.name;
    this.fields = fields;
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFoundError extends DomainError {
  constructor(kind: string, id: string) {
    super(`No ${kind} with id ${id}.`);
  }
}

/** The change collides with existing state: a duplicate email, a department that still has people. */
export class ConflictError extends DomainError {}

/**
 * A value someone else holds (an email, an external id, a name): a uniqueness claim refused it. A conflict
 * like any other for the API; SCIM tells it apart (`scimType: uniqueness`).
 */
export class UniquenessError extends ConflictError {}

/** The caller's copy is stale: the version in If-Match is not the current one. */
export class StaleVersionError extends DomainError {
  constructor(
    /** What went stale: `user`, `course`, `job`, ... */
    readonly kind: string,
    id: string,
    expected: number,
    actual: number | undefined,
  ) {
    super(
      actual === undefined
        ? `The ${kind} ${id} changed while you were editing it; read it again and retry.`
        : `The ${kind} ${id} is at version ${actual}, not ${expected}; read it again and retry with its ETag.`,
    );
  }
}

/** Valid input that breaks a business rule (a department moved under its own child, a tree too deep). */
export class BusinessRuleError extends DomainError {}

/** The caller's role allows the route but not this resource (a manager outside their department subtree). */
export class OutOfScopeError extends DomainError {}

/** Input that passed the schema but is still unusable (a cursor from another listing). */
export class InvalidInputError extends DomainError {}

/**
 * The change would leave the organisation without an active administrator (no one could undo it): the last
 * active admin is not suspended, erased or demoted, through any door.
 */
export class LastAdminError extends ConflictError {
  constructor(userId: string) {
    super(
      `The user ${userId} is the last active administrator: give another person the admin role first, so someone can still run the LMS.`,
    );
  }
}

/** The course has no free seat (the enrollment goes to the waitlist instead). */
export class CourseFullError extends ConflictError {}

/** The person already has an enrollment in the course (a new source is added to it instead). */
export class AlreadyEnrolledError extends ConflictError {}

/** The person is already on the course's waitlist. */
export class AlreadyWaitlistedError extends ConflictError {}

/**
 * A bulk enrollment holds the course's seats for a moment (writers wait and retry). `expired`: its holder
 * stopped without finishing, and the next writer settles what it left before going on.
 */
export class CourseBusyError extends ConflictError {
  constructor(
    message: string,
    readonly expired: boolean,
  ) {
    super(message);
  }
}

/** The SCORM error a refused runtime call reports to the content (GetLastError), with the element. */
export interface ScormError {
  code: number;
  element: string;
  message: string;
}

/**
 * A refusal of the learning runtime API (a launch token's, not a sign-in's): its status (401 token, 400 a
 * data model value, 409 a stale or late commit, 429 throttled), and the SCORM error the player hands to the
 * content, so the SCO's Commit returns false with that code.
 */
export class RuntimeRefusal extends DomainError {
  constructor(
    message: string,
    readonly status: 400 | 401 | 409 | 429,
    readonly scormError: ScormError | null = null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(
      message,
      scormError ? [{ path: `body.values.${scormError.element}`, message: scormError.message }] : [],
    );
  }
}
