import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoDb } from '../../shared/clients.ts';
import { BusinessRuleError } from '../../shared/domain/errors.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { enrollmentPorts } from '../../shared/store/enrollment-wiring.ts';
import { keys } from '../../shared/store/keys.ts';
import { peopleWithLoginsPorts } from '../../shared/store/wiring.ts';
import { createCourse } from '../../shared/use-cases/catalog.ts';
import { archiveCourse } from '../../shared/use-cases/course-lifecycle.ts';
import { enrollUsers, withdrawEnrollment } from '../../shared/use-cases/enrollment.ts';
import { createUser, suspendUser } from '../../shared/use-cases/users.ts';
import { actor, uniqueEmail, uniqueName } from '../support/actors.ts';

const ports = enrollmentPorts();
const catalog = catalogPorts();
const people = peopleWithLoginsPorts();
const admin = actor(['admin']);

const newPeople = (count: number) =>
  Promise.all(
    Array.from({ length: count }, () =>
      createUser(people, admin, { email: uniqueEmail('enrollee'), givenName: 'E', familyName: 'Nrollee' }),
    ),
  );

async function seatsTaken(courseId: string): Promise<number> {
  const { Item } = await dynamoDb().send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: keys.seats(courseId) }),
  );
  return Number(Item?.taken ?? 0);
}

describe('enrollment, against DynamoDB Local', () => {
  it('fills exactly 50 seats from 200 concurrent requests and queues the rest in one order, with no duplicates', async () => {
    // Prepare
    const course = await createCourse(catalog, admin, { title: uniqueName('Forklift safety'), capacity: 50 });
    const users = await newPeople(200);
    // Act: 200 requests at once, one person each
    const outcomes = (
      await Promise.all(
        users.map((user) => enrollUsers(ports, actor(['admin']), course.id, { userIds: [user.id] })),
      )
    ).flat();
    // Assess
    const enrolled = outcomes.filter((o) => o.outcome === 'enrolled').map((o) => o.userId);
    const waitlisted = outcomes.filter((o) => o.outcome === 'waitlisted');
    expect(enrolled).toHaveLength(50);
    expect(waitlisted).toHaveLength(150);
    expect(await seatsTaken(course.id)).toBe(50);
    const stored = await ports.enrollments.listForCourse(course.id, { limit: 100 });
    expect(stored.items.map((e) => e.userId).sort()).toEqual([...enrolled].sort());
    const queue = [];
    let cursor: string | undefined;
    do {
      const page = await ports.enrollments.waitlist(course.id, { limit: 100, cursor });
      queue.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(queue.map((entry) => entry.position)).toEqual(
      Array.from({ length: 150 }, (_, index) => index + 1),
    );
    const queued = new Set(queue.map((entry) => entry.userId));
    expect(queued.size).toBe(150);
    expect(enrolled.some((id) => queued.has(id))).toBe(false);
  }, 120_000);

  it('keeps one enrollment with both sources when a second source enrolls the same person', async () => {
    const course = await createCourse(catalog, admin, { title: uniqueName('Data privacy') });
    const [user] = await newPeople(1);
    if (!user) throw new Error('no user');
    await enrollUsers(ports, admin, course.id, { userIds: [user.id], source: 'manual' });
    const second = await enrollUsers(ports, actor(['admin'], null, 'hris@example.com'), course.id, {
      userIds: [user.id],
      source: 'api',
    });
    expect(second[0]).toMatchObject({ outcome: 'already-enrolled' });
    const enrollment = await ports.enrollments.get(course.id, user.id);
    expect(enrollment?.sources.map((s) => s.source)).toEqual(['manual', 'api']);
    expect(enrollment?.sources[1]).toMatchObject({
      actor: 'hris@example.com',
      reference: expect.any(String),
    });
  });

  it('gives a freed seat to the first in line', async () => {
    // Prepare: a 2-seat course with 2 enrolled and 2 queued
    const course = await createCourse(catalog, admin, { title: uniqueName('Small class'), capacity: 2 });
    const [a, b, c, d] = await newPeople(4);
    if (!a || !b || !c || !d) throw new Error('no users');
    for (const user of [a, b, c, d]) await enrollUsers(ports, admin, course.id, { userIds: [user.id] });
    // Act
    const withdrawn = await withdrawEnrollment(ports, admin, course.id, a.id, 'Changed role');
    // Assess
    expect(withdrawn.status).toBe('withdrawn');
    expect(withdrawn.history.at(-1)).toMatchObject({ status: 'withdrawn', reason: 'Changed role' });
    expect((await ports.enrollments.get(course.id, c.id))?.status).toBe('enrolled');
    expect(
      (await ports.enrollments.waitlist(course.id, { limit: 10 })).items.map((entry) => entry.userId),
    ).toEqual([d.id]);
    expect(await seatsTaken(course.id)).toBe(2);
  });

  it('re-enrolls a withdrawn person into a free seat, or onto the waitlist when the course is full', async () => {
    // Prepare: a 1-seat course; a is withdrawn (b is promoted into the seat), c is free to come back later
    const course = await createCourse(catalog, admin, { title: uniqueName('Returning'), capacity: 1 });
    const [a, b] = await newPeople(2);
    if (!a || !b) throw new Error('no users');
    await enrollUsers(ports, admin, course.id, { userIds: [a.id] });
    await enrollUsers(ports, admin, course.id, { userIds: [b.id] });
    await withdrawEnrollment(ports, admin, course.id, a.id, 'On leave');
    // Act: a comes back while b holds the only seat
    const full = await enrollUsers(ports, admin, course.id, { userIds: [a.id] });
    // Assess: queued, not silently "already enrolled"
    expect(full[0]).toMatchObject({ outcome: 'waitlisted', position: 2 });
    // Act: b leaves; a is promoted back, with the history of both enrollments
    await withdrawEnrollment(ports, admin, course.id, b.id, 'Changed team');
    const back = await ports.enrollments.get(course.id, a.id);
    expect(back?.status).toBe('enrolled');
    expect(back?.history.map((entry) => entry.status)).toEqual(['enrolled', 'withdrawn', 'enrolled']);
    expect(await seatsTaken(course.id)).toBe(1);
  });

  it('refuses archived courses, unknown and suspended people, each with a reason', async () => {
    const course = await createCourse(catalog, admin, { title: uniqueName('Old course') });
    const [active, suspended] = await newPeople(2);
    if (!active || !suspended) throw new Error('no users');
    await suspendUser(people, admin, suspended.id, undefined, 'Left');
    const outcomes = await enrollUsers(ports, admin, course.id, {
      userIds: [active.id, suspended.id, randomUUID()],
    });
    expect(outcomes.map((o) => o.outcome)).toEqual(['enrolled', 'refused', 'refused']);
    expect(outcomes[1]?.reason).toMatch(/suspended/);
    await archiveCourse(catalog, admin, course.id);
    await expect(enrollUsers(ports, admin, course.id, { userIds: [active.id] })).rejects.toBeInstanceOf(
      BusinessRuleError,
    );
  });

  it('lets a manager enroll the people of their department subtree only', async () => {
    const managerEmail = uniqueEmail('mgr');
    const manager = await createUser(people, admin, {
      email: managerEmail,
      givenName: 'M',
      familyName: 'Gr',
    });
    const { createDepartment } = await import('../../shared/use-cases/departments.ts');
    const team = await createDepartment(people, admin, { name: uniqueName('Team'), managerId: manager.id });
    const member = await createUser(people, admin, {
      email: uniqueEmail(),
      givenName: 'T',
      familyName: 'M',
      departmentId: team.id,
    });
    const [outsider] = await newPeople(1);
    if (!outsider) throw new Error('no user');
    const course = await createCourse(catalog, admin, { title: uniqueName('Team course') });
    const outcomes = await enrollUsers(ports, actor(['manager'], manager.id), course.id, {
      userIds: [member.id, outsider.id],
    });
    expect(outcomes.map((o) => o.outcome)).toEqual(['enrolled', 'refused']);
  });
});
