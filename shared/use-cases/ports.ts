/**
 * Ports: what the use cases need from the outside world, as small interfaces. DynamoDB adapters in
 * shared/store implement them; unit tests pass in-memory fakes.
 */
import type { AuditRecord } from '../domain/audit.ts';
import type { Department } from '../domain/department.ts';
import type { User, UserStatus } from '../domain/user.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface UserFilter {
  departmentId?: string | undefined;
  status?: UserStatus | undefined;
  /** Only users in these departments (a manager's scope). */
  withinDepartments?: readonly string[] | undefined;
}

export interface UserRepository {
  get(id: string): Promise<User | undefined>;
  idByEmail(email: string): Promise<string | undefined>;
  list(filter: UserFilter, page: PageRequest): Promise<Page<User>>;
  /** Creates the user with its email/external-id claims and the audit record, atomically. */
  create(user: User, audit: AuditRecord): Promise<void>;
  /** Replaces `before` with `after` if `before.version` is still current, moving claims and counters. */
  update(before: User, after: User, audit: AuditRecord): Promise<void>;
}

export interface DepartmentRepository {
  get(id: string): Promise<Department | undefined>;
  list(
    filter: { parentId?: string | undefined; withinDepartments?: readonly string[] | undefined },
    page: PageRequest,
  ): Promise<Page<Department>>;
  /** The department and all its descendants, in tree order. */
  subtree(department: Department): Promise<Department[]>;
  managedBy(userId: string): Promise<Department[]>;
  create(department: Department, parent: Department | undefined, audit: AuditRecord): Promise<void>;
  /**
   * Writes `after` over `before` (version-checked) and rewrites `descendants` (a move changes their
   * ancestors), adjusting the old and new parents' child counts, atomically. The new parent must still be
   * at the version the cycle check read.
   */
  update(change: DepartmentChange, audit: AuditRecord): Promise<void>;
  /** Deletes the department if it is still empty and at the given version. */
  delete(department: Department, audit: AuditRecord): Promise<void>;
}

export interface DepartmentChange {
  before: Department;
  after: Department;
  /** Descendants with their new ancestors (empty unless the department moves). */
  descendants: Department[];
  /** The parent it moves under, as read for the cycle check. */
  newParent?: Department | undefined;
}

export interface AuditTrail {
  list(target: string, page: PageRequest): Promise<Page<AuditRecord>>;
}

/** Time and identity sources, injectable so tests are deterministic. */
export interface Runtime {
  now(): Date;
  newId(): string;
}
