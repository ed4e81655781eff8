/**
 * The catalog: courses (with owners, category, tags, prerequisites), categories and learning paths.
 * Who may do what, in one place:
 * - admins: everything;
 * - instructors: create courses (they own them) and edit the courses they own, but not their owners;
 * - everyone signed in: read the published catalog (instructors also their own drafts).
 */

import {
  type Category,
  type Course,
  type CreateCourseInput,
  draftCourse,
  type LearningPath,
  type UpdateCourseInput,
} from '../domain/course.ts';
import { BusinessRuleError, NotFoundError, OutOfScopeError, StaleVersionError } from '../domain/errors.ts';
import { type Actor, actsOrganisationWide } from '../domain/principal.ts';
import { auditChange } from './context.ts';
import type { CatalogRepository, CourseFilter, Page, PageRequest, Runtime, UserRepository } from './ports.ts';

export interface CatalogDeps {
  catalog: CatalogRepository;
  users: Pick<UserRepository, 'get'>;
  runtime: Runtime;
}

/** How many courses a prerequisite check may walk (and guard in one transaction). */
const MAX_PREREQUISITE_WALK = 90;

const isAdmin = (actor: Actor) => actsOrganisationWide(actor.principal);
const isInstructor = (actor: Actor) => actor.principal.roles.includes('instructor');

/** The caller's LMS user id, from their login's link (instructors own courses by it). */
function selfId(actor: Actor): string | undefined {
  return actor.principal.userId ?? undefined;
}

/** Steps: work out the owners -> check owners, category and prerequisites exist -> write with audit. */
export async function createCourse(
  deps: CatalogDeps,
  actor: Actor,
  input: CreateCourseInput,
): Promise<Course> {
  let ownerIds = input.ownerIds ?? [];
  if (!isAdmin(actor)) {
    const self = selfId(actor);
    if (!self) throw new OutOfScopeError('Your sign-in has no LMS profile, so you cannot own a course.');
    if (ownerIds.some((id) => id !== self))
      throw new OutOfScopeError('Only administrators assign other owners.');
    ownerIds = [self];
  }
  const now = deps.runtime.now().toISOString();
  const course = draftCourse(deps.runtime.newId(), now, input, ownerIds);
  await checkReferences(deps, course, null);
  const guards = await checkPrerequisites(deps, course);
  await deps.catalog.putCourse(course, null, audit(deps, actor, 'course.created', null, course), guards);
  return course;
}

/** Steps: load -> check the caller may edit it -> apply -> re-check references and prerequisites -> write. */
export async function updateCourse(
  deps: CatalogDeps,
  actor: Actor,
  id: string,
  expectedVersion: number,
  changes: UpdateCourseInput,
): Promise<Course> {
  const before = await editableCourse(deps, actor, id, expectedVersion);
  if (changes.ownerIds !== undefined && !isAdmin(actor))
    throw new OutOfScopeError('Only administrators change owners.');
  const after: Course = {
    ...before,
    ...changes,
    tags: changes.tags ? [...new Set(changes.tags)] : before.tags,
    updatedAt: deps.runtime.now().toISOString(),
    version: before.version + 1,
  };
  await checkReferences(deps, after, before);
  const guards = changes.prerequisiteIds !== undefined ? await checkPrerequisites(deps, after) : [];
  await deps.catalog.putCourse(after, before, audit(deps, actor, 'course.updated', before, after), guards);
  return after;
}

/** Admins and owners see any course; everyone else sees published courses only (others do not exist for them). */
export async function getCourse(deps: CatalogDeps, actor: Actor, id: string): Promise<Course> {
  const course = await deps.catalog.getCourse(id);
  if (!course || !(await canSeeCourse(deps, actor, course))) throw new NotFoundError('course', id);
  return course;
}

export async function listCourses(
  deps: CatalogDeps,
  actor: Actor,
  query: Omit<CourseFilter, 'categoryIds'> & { categoryId?: string | undefined },
  page: PageRequest,
): Promise<Page<Course>> {
  const { categoryId, ...filter } = query;
  const categoryIds = categoryId ? await categoryAndDescendants(deps, categoryId) : undefined;
  if (!isAdmin(actor)) {
    // Instructors listing their own courses see every status; otherwise the published catalog only.
    const self = isInstructor(actor) ? selfId(actor) : undefined;
    const ownList = self !== undefined && filter.ownerId === self;
    if (!ownList) {
      if (filter.status && filter.status !== 'published') {
        throw new OutOfScopeError('Only administrators and owners see courses that are not published.');
      }
      filter.status = 'published';
    }
  }
  return deps.catalog.listCourses({ ...filter, categoryIds }, page);
}

/** Courses whose review date has come (or comes by `before`), for content owners to keep the catalog current. */
export function coursesDueForReview(
  deps: CatalogDeps,
  before: string | undefined,
  page: PageRequest,
): Promise<Page<Course>> {
  const day = before ?? deps.runtime.now().toISOString().slice(0, 10);
  return deps.catalog.listCourses({ reviewDueBy: day }, page);
}

/** The course, if the caller may edit it (admin or owner) and it is still at `expectedVersion`. */
export async function editableCourse(
  deps: CatalogDeps,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
): Promise<Course> {
  const course = await deps.catalog.getCourse(id);
  if (!course) throw new NotFoundError('course', id);
  if (!isAdmin(actor)) {
    const self = selfId(actor);
    if (!self || !course.ownerIds.includes(self)) {
      if (!(await canSeeCourse(deps, actor, course))) throw new NotFoundError('course', id);
      throw new OutOfScopeError(`You do not own the course ${course.title}.`);
    }
  }
  if (expectedVersion !== undefined && course.version !== expectedVersion) {
    throw new StaleVersionError('course', id, expectedVersion, course.version);
  }
  return course;
}

async function canSeeCourse(_deps: CatalogDeps, actor: Actor, course: Course): Promise<boolean> {
  if (isAdmin(actor) || course.status === 'published') return true;
  const self = isInstructor(actor) ? selfId(actor) : undefined;
  return self !== undefined && course.ownerIds.includes(self);
}

/** Owners must be people, the category must exist, and dates must make sense. */
async function checkReferences(deps: CatalogDeps, course: Course, before: Course | null): Promise<void> {
  for (const ownerId of course.ownerIds) {
    if (before?.ownerIds.includes(ownerId)) continue;
    if (!(await deps.users.get(ownerId))) {
      throw new BusinessRuleError(`No user with id ${ownerId} to own this course.`, [
        { path: 'body.ownerIds', message: 'no such user' },
      ]);
    }
  }
  if (
    course.categoryId &&
    course.categoryId !== before?.categoryId &&
    !(await deps.catalog.getCategory(course.categoryId))
  ) {
    throw new BusinessRuleError(`No category with id ${course.categoryId}.`, [
      { path: 'body.categoryId', message: 'no such category' },
    ]);
  }
  if (course.publishAt && course.archiveAt && course.archiveAt <= course.publishAt) {
    throw new BusinessRuleError('archiveAt must come after publishAt.', [
      { path: 'body.archiveAt', message: 'before publishAt' },
    ]);
  }
}

/**
 * Prerequisites form a DAG. Walks the prerequisites of the new list; reaching the course itself is a cycle,
 * named in the refusal ("A -> B -> A"). Returns the courses walked, which the write guards by version.
 */
async function checkPrerequisites(deps: CatalogDeps, course: Course): Promise<Course[]> {
  if (course.prerequisiteIds.includes(course.id)) {
    throw new BusinessRuleError(`${course.title} cannot be its own prerequisite.`, [
      { path: 'body.prerequisiteIds', message: 'contains this course' },
    ]);
  }
  const walked = new Map<string, Course>();
  const parentOf = new Map<string, string>();
  let frontier = [...course.prerequisiteIds];
  for (const id of frontier) parentOf.set(id, course.id);
  while (frontier.length > 0) {
    const missing = frontier.filter((id) => !walked.has(id));
    const found = await deps.catalog.getCourses(missing);
    const byId = new Map(found.map((c) => [c.id, c]));
    const next: string[] = [];
    for (const id of missing) {
      const prerequisite = byId.get(id);
      if (!prerequisite) {
        throw new BusinessRuleError(`No course with id ${id} to be a prerequisite.`, [
          { path: 'body.prerequisiteIds', message: 'no such course' },
        ]);
      }
      walked.set(id, prerequisite);
      for (const further of prerequisite.prerequisiteIds) {
        if (further === course.id) {
          parentOf.set(course.id, id);
          throw new BusinessRuleError(
            `These prerequisites would make a cycle: ${cycleNames(course, walked, parentOf)}.`,
            [{ path: 'body.prerequisiteIds', message: 'would make a cycle' }],
          );
        }
        if (!walked.has(further) && !parentOf.has(further)) {
          parentOf.set(further, id);
          next.push(further);
        }
      }
    }
    if (walked.size > MAX_PREREQUISITE_WALK) {
      throw new BusinessRuleError(`The prerequisite chain is longer than ${MAX_PREREQUISITE_WALK} courses.`, [
        { path: 'body.prerequisiteIds', message: 'chain too long' },
      ]);
    }
    frontier = next;
  }
  return [...walked.values()];
}

/** "A -> B -> C -> A": from the course, through the prerequisites walked, back to it. */
function cycleNames(course: Course, walked: Map<string, Course>, parentOf: Map<string, string>): string {
  const chain: string[] = [];
  let id = parentOf.get(course.id);
  while (id && id !== course.id && chain.length <= walked.size) {
    chain.unshift(walked.get(id)?.title ?? id);
    id = parentOf.get(id);
  }
  return [course.title, ...chain, course.title].join(' -> ');
}

async function categoryAndDescendants(deps: CatalogDeps, categoryId: string): Promise<string[]> {
  const all = await deps.catalog.listCategories();
  const ids = [categoryId];
  for (let index = 0; index < ids.length; index++) {
    for (const category of all) if (category.parentId === ids[index]) ids.push(category.id);
  }
  return ids;
}

/** Steps: check the parent exists and no cycle forms -> write with the sibling-name claim and audit. */
export async function saveCategory(
  deps: CatalogDeps,
  actor: Actor,
  id: string | null,
  expectedVersion: number | undefined,
  input: { name?: string | undefined; parentId?: string | null | undefined },
): Promise<Category> {
  const before = id ? await deps.catalog.getCategory(id) : null;
  if (id && !before) throw new NotFoundError('category', id);
  if (before && expectedVersion !== undefined && before.version !== expectedVersion) {
    throw new StaleVersionError('category', before.id, expectedVersion, before.version);
  }
  const now = deps.runtime.now().toISOString();
  const category: Category = before
    ? {
        ...before,
        name: input.name ?? before.name,
        parentId: input.parentId !== undefined ? input.parentId : before.parentId,
        updatedAt: now,
        version: before.version + 1,
      }
    : {
        id: deps.runtime.newId(),
        name: input.name ?? '',
        parentId: input.parentId ?? null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
  if (category.parentId) {
    const all = new Map((await deps.catalog.listCategories()).map((c) => [c.id, c]));
    const names: string[] = [];
    for (let cursor: string | null = category.parentId; cursor; cursor = all.get(cursor)?.parentId ?? null) {
      const ancestor = all.get(cursor);
      if (!ancestor)
        throw new BusinessRuleError(`No category with id ${cursor}.`, [
          { path: 'body.parentId', message: 'no such category' },
        ]);
      names.unshift(ancestor.name);
      if (ancestor.id === category.id) {
        throw new BusinessRuleError(
          `That parent would make a cycle: ${[...names, category.name].join(' > ')}.`,
          [{ path: 'body.parentId', message: 'would make a cycle' }],
        );
      }
    }
  }
  await deps.catalog.putCategory(
    category,
    before ?? null,
    audit(
      deps,
      actor,
      before ? 'category.updated' : 'category.created',
      before ?? null,
      category,
      'category',
    ),
  );
  return category;
}

/** Steps: check the version -> write; the store checks each course exists in the same transaction. */
export async function saveLearningPath(
  deps: CatalogDeps,
  actor: Actor,
  id: string | null,
  expectedVersion: number | undefined,
  input: { title?: string | undefined; description?: string | undefined; courseIds?: string[] | undefined },
): Promise<LearningPath> {
  const before = id ? await deps.catalog.getLearningPath(id) : undefined;
  if (id && !before) throw new NotFoundError('learning path', id);
  if (before && expectedVersion !== undefined && before.version !== expectedVersion) {
    throw new StaleVersionError('learning path', before.id, expectedVersion, before.version);
  }
  const now = deps.runtime.now().toISOString();
  const path: LearningPath = before
    ? { ...before, ...definedOnly(input), updatedAt: now, version: before.version + 1 }
    : {
        id: deps.runtime.newId(),
        title: input.title ?? '',
        description: input.description ?? '',
        courseIds: input.courseIds ?? [],
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
  await deps.catalog.putLearningPath(
    path,
    before?.version ?? null,
    audit(
      deps,
      actor,
      before ? 'learning-path.updated' : 'learning-path.created',
      before ?? null,
      path,
      'learning-path',
    ),
  );
  return path;
}

function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function audit(
  deps: Pick<CatalogDeps, 'runtime'>,
  actor: Actor,
  action: string,
  before: { id: string } | null,
  after: { id: string },
  kind = 'course',
) {
  return auditChange(deps.runtime, actor, action, `${kind}:${after.id}`, before, after);
}
