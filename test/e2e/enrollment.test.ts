import { describe, expect, it } from 'vitest';
import { uniqueName } from '../support/actors.ts';
import { api, tokenFor, userIdByEmail } from '../support/http.ts';

describe('enrollment over HTTP', () => {
  it('blocks self-enrollment on a missing prerequisite, allows it once completed, and explains every source', async () => {
    // Prepare: a prerequisite course and a self-enrollable course that requires it, both published
    const admin = await tokenFor('admin@example.com');
    const learner = await tokenFor('learner@example.com');
    const learnerId = await userIdByEmail('learner@example.com');
    const basics = await api('POST', '/courses', {
      token: admin,
      body: { title: uniqueName('Ladder basics') },
    });
    const advanced = await api('POST', '/courses', {
      token: admin,
      body: {
        title: uniqueName('Working at height'),
        selfEnrollment: true,
        prerequisiteIds: [basics.json.id],
        capacity: 10,
      },
    });
    for (const id of [basics.json.id, advanced.json.id]) {
      expect((await api('POST', `/courses/${id}/publish`, { token: admin })).status).toBe(200);
    }

    // Act 1: the learner tries before completing the prerequisite
    const blocked = await api('POST', `/courses/${advanced.json.id}/self-enroll`, { token: learner });
    // Assess 1
    expect(blocked.status).toBe(422);
    expect(blocked.json.detail).toContain(basics.json.title);

    // Act 2: an admin enrolls them in the prerequisite and marks it completed (offline session)
    const enrolled = await api('POST', `/courses/${basics.json.id}/enrollments`, {
      token: admin,
      body: { userIds: [learnerId] },
    });
    expect(enrolled.json.results[0].outcome).toBe('enrolled');
    const completed = await api('POST', `/courses/${basics.json.id}/enrollments/${learnerId}/complete`, {
      token: admin,
      body: { reason: 'Attended the classroom session on site', score: 92 },
    });
    expect(completed.json).toMatchObject({ status: 'completed', score: 92 });
    const allowed = await api('POST', `/courses/${advanced.json.id}/self-enroll`, { token: learner });
    // Assess 2
    expect(allowed.status, allowed.text).toBe(200);
    expect(allowed.json.outcome).toBe('enrolled');

    // Act 3: an admin enrolls them too: one enrollment, two sources
    const again = await api('POST', `/courses/${advanced.json.id}/enrollments`, {
      token: admin,
      body: { userIds: [learnerId] },
    });
    expect(again.json.results[0].outcome).toBe('already-enrolled');
    const explained = await api('GET', `/users/${learnerId}/enrollments/${advanced.json.id}/explain`, {
      token: learner,
    });
    // Assess 3
    expect(explained.status).toBe(200);
    expect(explained.json.sources.map((s: { source: string }) => s.source)).toEqual(['self', 'manual']);
    expect(explained.json.prerequisites).toEqual([
      { courseId: basics.json.id, title: basics.json.title, met: true },
    ]);
    expect(explained.json.course).toMatchObject({ capacity: 10, seatsTaken: 1, selfEnrollment: true });
    expect(explained.json.reasons[0]).toMatch(/self by learner@example.com.*manual by admin@example.com/);
    const audit = await api('GET', `/audit?target=enrollment:${basics.json.id}:${learnerId}`, {
      token: admin,
    });
    expect(audit.json.items.map((r: { action: string }) => r.action)).toEqual([
      'enrollment.completed',
      'enrollment.created',
    ]);
  });

  it("tells a learner about a course that does not allow self-enrollment, and keeps them out of others' enrollments", async () => {
    const admin = await tokenFor('admin@example.com');
    const learner = await tokenFor('learner@example.com');
    const closed = await api('POST', '/courses', {
      token: admin,
      body: { title: uniqueName('Invite only') },
    });
    await api('POST', `/courses/${closed.json.id}/publish`, { token: admin });
    const refused = await api('POST', `/courses/${closed.json.id}/self-enroll`, { token: learner });
    expect(refused.status).toBe(422);
    expect(refused.json.detail).toMatch(/does not allow self-enrollment/);
    const someoneElse = await userIdByEmail('dev.one@example.com');
    expect((await api('GET', `/users/${someoneElse}/enrollments`, { token: learner })).status).toBe(403);
  });
});
