/**
 * Cohorts, cohort sync, due dates and certifications through the use cases, against DynamoDB Local.
 * The shared local stack's event bus also reacts to these changes in the background; every step here is
 * idempotent, so assertions are on the resulting state, not on who did the work.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { runAsFunction } from '../../shared/aws-calls.ts';
import { dynamoDb } from '../../shared/clients.ts';
import type { AuditRecord } from '../../shared/domain/audit.ts';
import type { Cohort, CohortRule } from '../../shared/domain/cohort.ts';
import {
  BusinessRuleError,
  ConflictError,
  CourseBusyError,
  InvalidInputError,
} from '../../shared/domain/errors.ts';
import type { User } from '../../shared/domain/user.ts';
import { linkCohortCourse } from '../../shared/routes/cohorts.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { keys } from '../../shared/store/keys.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { createCourse } from '../../shared/use-cases/catalog.ts';
import { linkCohortToCourse, settleLeaver } from '../../shared/use-cases/cohort-enrollment.ts';
import {
  addStaticMembers,
  createCohort,
  listUserCohorts,
  reevaluatePerson,
  removeStaticMember,
  updateCohort,
} from '../../shared/use-cases/cohorts.ts';
import {
  listCompliance,
  runComplianceSweep,
  updateEnrollmentDue,
} from '../../shared/use-cases/compliance.ts';
import { createDepartment } from '../../shared/use-cases/departments.ts';
import {
  completeEnrollment,
  enrollUsers,
  explainEnrollment,
  newEnrollment,
} from '../../shared/use-cases/enrollment.ts';
import { createUser, updateUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail, uniqueName } from '../support/actors.ts';

const ports = cohortPorts();
const people = organisationPorts();
const catalog = catalogPorts();
const admin = actor(['admin']);
const DAY = 86_400_000;

async function department(parentId: string | null = null) {
  return createDepartment(people, admin, { name: uniqueName('Dept'), parentId });
}

async function newPeople(
  count: number,
  fields: Partial<Parameters<typeof createUser>[2]> = {},
): Promise<User[]> {
  const created: User[] = [];
  // In tens: enough concurrency to be quick, not so much that DynamoDB Local queues.
  for (let start = 0; start < count; start += 10) {
    created.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, count - start) }, () =>
          createUser(people, admin, {
            email: uniqueEmail('cohort'),
            givenName: 'C',
            familyName: 'Member',
            ...fields,
          }),
        ),
      )),
    );
  }
  return created;
}

async function ruleCohort(rule: CohortRule): Promise<Cohort> {
  return createCohort(ports, admin, { name: uniqueName('Rule cohort'), kind: 'rule', rule });
}

async function staticCohort(userIds: string[]): Promise<Cohort> {
  const cohort = await createCohort(ports, admin, { name: uniqueName('Static cohort'), kind: 'static' });
  if (userIds.length > 0) await addStaticMembers(ports, admin, cohort.id, userIds);
  return cohort;
}

describe('rule cohorts, against DynamoDB Local', () => {
  it('holds exactly the active people its rule matches across a department subtree', async () => {
    // Prepare: a parent department with a child; people in both, in another department, and one suspended
    const parent = await department();
    const child = await department(parent.id);
    const elsewhere = await department();
    const location = uniqueName('Site');
    const inParent = await newPeople(5, { departmentId: parent.id, location });
    const inChild = await newPeople(12, { departmentId: child.id, location });
    await newPeople(4, { departmentId: elsewhere.id, location });
    const [wrongSite] = await newPeople(1, { departmentId: child.id, location: 'Elsewhere' });
    // Act
    const cohort = await ruleCohort({
      type: 'all',
      rules: [
        { type: 'department', departmentId: parent.id },
        { type: 'attribute', attribute: 'location', op: 'equals', value: location.toUpperCase() },
      ],
    });
    // Assess
    const expected = [...inParent, ...inChild].map((user) => user.id).sort();
    expect(cohort.memberCount).toBe(17);
    expect((await ports.cohorts.allMemberIds(cohort.id)).sort()).toEqual(expected);
    expect((await ports.cohorts.get(cohort.id))?.memberCount).toBe(17);
    const theirs = await listUserCohorts(ports, admin, inChild[0]?.id ?? '');
    expect(theirs).toEqual([
      expect.objectContaining({ cohortId: cohort.id, via: 'rule', cohortName: cohort.name }),
    ]);
    expect(await ports.cohorts.membershipsOf(wrongSite?.id ?? '')).toEqual([]);
  });

  it('follows a person who moves department: out of the cohort, and back in', async () => {
    // Prepare
    const sales = await department();
    const support = await department();
    const [mover] = await newPeople(1, { departmentId: sales.id });
    if (!mover) throw new Error('no person');
    const cohort = await ruleCohort({ type: 'department', departmentId: sales.id });
    expect(cohort.memberCount).toBe(1);
    // Act 1: moves to support
    const moved = await updateUser(people, admin, mover.id, mover.version, { departmentId: support.id });
    await reevaluatePerson(ports, admin, mover.id);
    // Assess 1
    expect(await ports.cohorts.allMemberIds(cohort.id)).toEqual([]);
    expect((await ports.cohorts.get(cohort.id))?.memberCount).toBe(0);
    // Act 2: moves back
    await updateUser(people, admin, mover.id, moved.version, { departmentId: sales.id });
    await reevaluatePerson(ports, admin, mover.id);
    // Assess 2
    expect(await ports.cohorts.allMemberIds(cohort.id)).toEqual([mover.id]);
  });

  it('asks for confirmation before a rule that matches everyone, and re-evaluates when the rule changes', async () => {
    // Prepare: a rule everyone active matches (nobody has this attribute)
    const everyone: CohortRule = {
      type: 'not',
      rule: { type: 'attribute', attribute: `custom.never${Date.now()}`, op: 'exists' },
    };
    // Act 1 / Assess 1: refused without confirmation, and nothing written
    const name = uniqueName('Everyone');
    const refused = createCohort(ports, admin, { name, kind: 'rule', rule: everyone });
    await expect(refused).rejects.toBeInstanceOf(BusinessRuleError);
    await expect(refused).rejects.toThrow(/matches all \d+ active people/);
    await expect(createCohort(ports, admin, { name, kind: 'static' })).resolves.toBeTruthy();
    // Act 2: confirmed
    const confirmed = await createCohort(ports, admin, {
      name: uniqueName('Everyone'),
      kind: 'rule',
      rule: everyone,
      confirmMatchesEveryone: true,
    });
    expect(confirmed.memberCount).toBeGreaterThan(20);
    // Act 3: narrowed to one department (so later tests' new people do not join it)
    const narrow = await department();
    const [only] = await newPeople(1, { departmentId: narrow.id });
    const after = await updateCohort(ports, admin, confirmed.id, confirmed.version, {
      rule: { type: 'department', departmentId: narrow.id },
    });
    // Assess
    expect(after.memberCount).toBe(1);
    expect(await ports.cohorts.allMemberIds(confirmed.id)).toEqual([only?.id]);
  });

  it('refuses rules naming what does not exist, and cycles of cohorts, naming the chain', async () => {
    // Prepare: B is "members of A", C is "members of B"
    const a = await staticCohort([]);
    const b = await ruleCohort({ type: 'cohort', cohortId: a.id });
    const c = await ruleCohort({ type: 'cohort', cohortId: b.id });
    // Act / Assess
    await expect(ruleCohort({ type: 'department', departmentId: randomUUID() })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    const cycle = updateCohort(ports, admin, b.id, b.version, { rule: { type: 'cohort', cohortId: c.id } });
    await expect(cycle).rejects.toBeInstanceOf(BusinessRuleError);
    await expect(cycle).rejects.toThrow(`${b.name} -> ${c.name} -> ${b.name}`);
    const self = updateCohort(ports, admin, c.id, c.version, { rule: { type: 'cohort', cohortId: c.id } });
    await expect(self).rejects.toThrow(`${c.name} -> ${c.name}`);
    expect((await ports.cohorts.get(b.id))?.version).toBe(b.version);
  });

  it('evaluates a cohort of another cohort after it', async () => {
    // Prepare: "new starters" (static) and "new starters in Lisbon" (members of it, in Lisbon)
    const site = uniqueName('Lisbon');
    const [starter, other] = await newPeople(2, { location: site });
    if (!starter || !other) throw new Error('no people');
    const starters = await staticCohort([starter.id]);
    const lisbon = await ruleCohort({
      type: 'all',
      rules: [
        { type: 'cohort', cohortId: starters.id },
        { type: 'attribute', attribute: 'location', op: 'equals', value: site },
      ],
    });
    expect(await ports.cohorts.allMemberIds(lisbon.id)).toEqual([starter.id]);
    // Act: the other person joins the static cohort
    await addStaticMembers(ports, admin, starters.id, [other.id]);
    await reevaluatePerson(ports, admin, other.id);
    // Assess
    expect((await ports.cohorts.allMemberIds(lisbon.id)).sort()).toEqual([starter.id, other.id].sort());
  });
});

describe('cohort sync, against DynamoDB Local', () => {
  it('enrolls every member in batches, once, with the cohort as the source; linking again changes nothing', async () => {
    // Prepare: 150 members, one already enrolled by hand
    const members = await newPeople(150);
    const cohort = await staticCohort(members.map((member) => member.id));
    const course = await createCourse(catalog, admin, { title: uniqueName('Code of conduct') });
    const [first] = members;
    if (!first) throw new Error('no people');
    await enrollUsers(ports, admin, course.id, { userIds: [first.id] });
    // Act
    const result = await linkCohortToCourse(ports, admin, cohort.id, {
      courseId: course.id,
      onLeave: 'withdraw',
    });
    const again = await linkCohortToCourse(ports, admin, cohort.id, {
      courseId: course.id,
      onLeave: 'withdraw',
    });
    // Assess
    expect(result).toMatchObject({ enrolled: 149, alreadyEnrolled: 1, waitlisted: 0, refused: [] });
    expect(again).toMatchObject({ enrolled: 0, alreadyEnrolled: 150 });
    const enrollments = await ports.enrollments.allForCourse(course.id);
    expect(enrollments).toHaveLength(150);
    expect(await ports.enrollments.seatsTaken(course.id)).toBe(150);
    const both = enrollments.find((enrollment) => enrollment.userId === first.id);
    expect(both?.sources.map((source) => source.source)).toEqual(['manual', 'cohort']);
    expect(both?.sources[1]?.reference).toBe(`cohort:${cohort.id}`);
    await expect(
      linkCohortToCourse(ports, admin, cohort.id, { courseId: course.id, onLeave: 'keep' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('fills a course with a capacity and queues the rest of the cohort on its waitlist', async () => {
    const members = await newPeople(100);
    const cohort = await staticCohort(members.map((member) => member.id));
    const course = await createCourse(catalog, admin, { title: uniqueName('First aid'), capacity: 60 });
    const result = await linkCohortToCourse(ports, admin, cohort.id, {
      courseId: course.id,
      onLeave: 'keep',
    });
    expect(result).toMatchObject({ enrolled: 60, waitlisted: 40 });
    expect(await ports.enrollments.seatsTaken(course.id)).toBe(60);
    expect((await ports.enrollments.waitlist(course.id, { limit: 100 })).items).toHaveLength(40);
  });

  it('withdraws or keeps a leaver per the link, and keeps anyone another source still enrolls', async () => {
    // Prepare: three members; the course is linked with "withdraw", another with "keep"
    const [leaver, twoSources, stays] = await newPeople(3);
    if (!leaver || !twoSources || !stays) throw new Error('no people');
    const cohort = await staticCohort([leaver.id, twoSources.id, stays.id]);
    const strict = await createCourse(catalog, admin, { title: uniqueName('Strict course') });
    const lenient = await createCourse(catalog, admin, { title: uniqueName('Lenient course') });
    await enrollUsers(ports, admin, strict.id, { userIds: [twoSources.id] });
    await linkCohortToCourse(ports, admin, cohort.id, { courseId: strict.id, onLeave: 'withdraw' });
    await linkCohortToCourse(ports, admin, cohort.id, { courseId: lenient.id, onLeave: 'keep' });
    // Act
    for (const person of [leaver, twoSources]) {
      await removeStaticMember(ports, admin, cohort.id, person.id);
      await settleLeaver(ports, admin, cohort.id, person.id);
    }
    // Assess
    expect((await ports.enrollments.get(strict.id, leaver.id))?.status).toBe('withdrawn');
    expect((await ports.enrollments.get(lenient.id, leaver.id))?.status).toBe('enrolled');
    const kept = await ports.enrollments.get(strict.id, twoSources.id);
    expect(kept?.status).toBe('enrolled');
    expect(kept?.sources.map((source) => source.source)).toEqual(['manual']);
    expect((await ports.enrollments.get(strict.id, stays.id))?.status).toBe('enrolled');
    expect(await ports.enrollments.seatsTaken(strict.id)).toBe(2);
    const explained = await explainEnrollment(ports, admin, leaver.id, strict.id);
    expect(explained.enrolled).toBe(false);
    expect(explained.history.at(-1)).toMatchObject({ status: 'withdrawn', reason: 'left the cohort' });
  });

  it('sets due dates from the link, and refuses a due date in the past', async () => {
    const [hired, unknown] = await newPeople(2, { hireDate: '2026-11-01' });
    if (!hired || !unknown) throw new Error('no people');
    const cohort = await staticCohort([hired.id]);
    const course = await createCourse(catalog, admin, { title: uniqueName('Onboarding') });
    await expect(
      linkCohortToCourse(ports, admin, cohort.id, {
        courseId: course.id,
        onLeave: 'keep',
        due: { from: 'fixed', at: '2020-01-01T00:00:00Z' },
      }),
    ).rejects.toThrow(/in the past/);
    expect(await ports.cohorts.links(cohort.id)).toEqual([]);
    await linkCohortToCourse(ports, admin, cohort.id, {
      courseId: course.id,
      onLeave: 'keep',
      due: { from: 'hireDate', days: 30 },
    });
    expect((await ports.enrollments.get(course.id, hired.id))?.dueAt).toBe('2026-12-01T00:00:00.000Z');
  });
});

describe('bulk enrollment under the course hold, against DynamoDB Local', () => {
  const seatsItem = async (courseId: string) =>
    (
      await dynamoDb().send(
        new GetCommand({
          TableName: process.env.TABLE_NAME,
          Key: keys.seats(courseId),
          ConsistentRead: true,
        }),
      )
    ).Item;
  const audited = async (courseId: string) => {
    const records = await people.audit.list(`course:${courseId}`, { limit: 100 });
    return records.items.flatMap((record) =>
      ((record.after?.items ?? []) as { after: { userId: string } }[]).map((item) => item.after.userId),
    );
  };

  it('enrolls a large cohort into a course without a capacity, audits each one, and releases the hold', async () => {
    const members = await newPeople(250);
    const cohort = await staticCohort(members.map((member) => member.id));
    const course = await createCourse(catalog, admin, { title: uniqueName('Ethics') });
    // As POST /cohorts/{id}/courses runs it (same ports), so its calls (BatchWriteItem) count as that function's.
    const result = await runAsFunction(linkCohortCourse.handler, () =>
      linkCohortToCourse(ports, admin, cohort.id, { courseId: course.id, onLeave: 'keep' }),
    );
    expect(result).toMatchObject({ enrolled: 250, alreadyEnrolled: 0, refused: [] });
    expect(await ports.enrollments.allForCourse(course.id)).toHaveLength(250);
    expect(await seatsItem(course.id)).toMatchObject({ taken: 250 });
    expect((await seatsItem(course.id))?.bulkRun).toBeUndefined();
    expect((await audited(course.id)).sort()).toEqual(members.map((member) => member.id).sort());
  });

  it('settles a run that fails half way at once: audit records for what it wrote, the seats counted', async () => {
    const members = await newPeople(300);
    const cohort = await staticCohort(members.map((member) => member.id));
    const course = await createCourse(catalog, admin, { title: uniqueName('Privacy') });
    // The second audit record fails to write, once
    let audits = 0;
    const failing = {
      ...ports,
      audit: {
        append: async (record: AuditRecord) => {
          audits++;
          if (audits === 2) throw new Error('network gone');
          return ports.audit.append(record);
        },
      },
    };
    await expect(
      linkCohortToCourse(failing, admin, cohort.id, { courseId: course.id, onLeave: 'keep' }),
    ).rejects.toThrow('network gone');
    const written = await ports.enrollments.allForCourse(course.id);
    expect(written.length).toBeGreaterThan(0);
    expect((await audited(course.id)).sort()).toEqual(written.map((e) => e.userId).sort());
    expect(await seatsItem(course.id)).toMatchObject({ taken: written.length });
    expect((await seatsItem(course.id))?.bulkRun).toBeUndefined();
    // Linking again finishes the job
    const again = await linkCohortToCourse(ports, admin, cohort.id, { courseId: course.id, onLeave: 'keep' });
    expect(again.enrolled + again.alreadyEnrolled).toBe(300);
    expect(await seatsItem(course.id)).toMatchObject({ taken: 300 });
  });

  it('makes other writers wait for a running hold, and settles a stopped one before enrolling', async () => {
    const [late, waiting] = await newPeople(2);
    if (!late || !waiting) throw new Error('no people');
    const leftovers = await newPeople(3);
    const course = await createCourse(catalog, admin, { title: uniqueName('Induction') });
    const now = new Date();
    // A run holds the course for a minute: a single enrollment waits, then is refused with 409
    await ports.enrollments.claimForBulk(
      course.id,
      'running',
      new Date(now.getTime() + 60_000).toISOString(),
      now.toISOString(),
    );
    const busy = enrollUsers(ports, admin, course.id, { userIds: [waiting.id] });
    await expect(busy).rejects.toBeInstanceOf(CourseBusyError);
    expect(await ports.enrollments.get(course.id, waiting.id)).toBeUndefined();
    // That run stops after writing three enrollments, before its audit records and its seat count
    const source = { source: 'cohort' as const, actor: 'x', reference: 'cohort:x', at: now.toISOString() };
    await ports.enrollments.writeBulk(
      leftovers.map((person) =>
        newEnrollment(course.id, person.id, source, now.toISOString(), null, 'x', null),
      ),
      'running',
    );
    await ports.enrollments.extendBulk(course.id, 'running', new Date(now.getTime() - 1).toISOString());
    // The next writer settles it, then enrolls
    const outcome = await enrollUsers(ports, admin, course.id, { userIds: [late.id] });
    expect(outcome).toEqual([expect.objectContaining({ outcome: 'enrolled' })]);
    expect(await seatsItem(course.id)).toMatchObject({ taken: 4 });
    expect((await seatsItem(course.id))?.bulkRun).toBeUndefined();
    expect((await audited(course.id)).sort()).toEqual(leftovers.map((person) => person.id).sort());
  }, 20_000);
});

describe('certifications and compliance, against DynamoDB Local', () => {
  it('re-enrolls when the recertification window opens, expires when it lapses, and reports each state', async () => {
    // Prepare: a department of three; a certification course valid a year, recertification 30 days before
    const team = await department();
    const [certified, late, pending] = await newPeople(3, { departmentId: team.id });
    if (!certified || !late || !pending) throw new Error('no people');
    const course = await createCourse(catalog, admin, {
      title: uniqueName('Forklift licence'),
      certification: { validDays: 365, recertifyDaysBefore: 30 },
    });
    await enrollUsers(ports, admin, course.id, {
      userIds: [certified.id, late.id, pending.id],
      due: { from: 'enrollment', days: 10 },
    });
    // Completed 340 days ago: the certificate expires in 25 days, so the window opened 5 days ago
    const completedAt = new Date(Date.now() - 340 * DAY).toISOString();
    await completeEnrollment(ports, admin, course.id, certified.id, {
      reason: 'Practical test passed',
      completedAt,
    });
    // The report as it reads at a given time
    const byPerson = async (at = new Date()) =>
      Object.fromEntries(
        (
          await listCompliance({ ...ports, runtime: { ...ports.runtime, now: () => at } }, admin, {
            departmentId: team.id,
            limit: 50,
          })
        ).items.map((row) => [row.userId, row.status]),
      );
    expect(await byPerson()).toEqual({
      [certified.id]: 'compliant',
      [late.id]: 'pending',
      [pending.id]: 'pending',
    });

    // Act 1: the sweep runs now, and again 11 days from now
    await runComplianceSweep(ports, admin, new Date());
    const recertifying = await ports.enrollments.get(course.id, certified.id);
    expect(recertifying).toMatchObject({ status: 'enrolled', dueAt: recertifying?.expiresAt });
    expect(recertifying?.sources.at(-1)?.source).toBe('recertification');
    const soon = new Date(Date.now() + 11 * DAY);
    const pendingEnrollment = await ports.enrollments.get(course.id, pending.id);
    await updateEnrollmentDue(ports, admin, course.id, pending.id, pendingEnrollment?.version ?? 0, {
      dueAt: new Date(Date.now() + 60 * DAY).toISOString(),
      reason: 'On leave until next month',
    });
    await runComplianceSweep(ports, admin, soon);
    // Assess 1
    expect((await ports.enrollments.get(course.id, late.id))?.overdueAt).toBe(soon.toISOString());
    expect((await ports.enrollments.get(course.id, pending.id))?.overdueAt).toBeNull();
    // Act 2: past the expiry
    const later = new Date(Date.now() + 26 * DAY);
    await runComplianceSweep(ports, admin, later);
    // Assess 2
    expect((await ports.enrollments.get(course.id, certified.id))?.status).toBe('expired');
    expect(await byPerson(later)).toEqual({
      [certified.id]: 'expired',
      [late.id]: 'overdue',
      [pending.id]: 'pending',
    });
    const overdueOnly = await listCompliance(
      { ...ports, runtime: { ...ports.runtime, now: () => later } },
      admin,
      { departmentId: team.id, status: 'overdue', limit: 50 },
    );
    expect(overdueOnly.items.map((row) => row.userId)).toEqual([late.id]);
  });
});
