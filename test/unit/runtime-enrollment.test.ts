/**
 * How an attempt's news becomes the enrollment's state (enrollmentAfter), and the nearest-rank percentile
 * of load times. Expected values written out.
 */
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../shared/domain/attempt.ts';
import type { Enrollment } from '../../shared/domain/enrollment.ts';
import { percentile } from '../../shared/use-cases/course-performance.ts';
import { enrollmentAfter, everyScoDone } from '../../shared/use-cases/runtime.ts';

const NOW = '2026-12-07T10:00:00.000Z';

const enrollment = (fields: Partial<Enrollment> = {}): Enrollment => ({
  courseId: 'course-1',
  userId: 'learner-1',
  status: 'in_progress',
  sources: [{ source: 'manual', actor: 'admin', reference: 'r', at: '2026-12-01T00:00:00.000Z' }],
  enrolledAt: '2026-12-01T00:00:00.000Z',
  dueAt: null,
  overdueAt: null,
  completedAt: null,
  expiresAt: null,
  recertifyAt: null,
  score: null,
  timeSpentSeconds: 0,
  completionOrigin: null,
  contentVersion: 1,
  history: [{ status: 'enrolled', at: '2026-12-01T00:00:00.000Z', by: 'admin', reason: null }],
  version: 3,
  ...fields,
});

const attempt = (outcome: Partial<Attempt['outcome']>, fields: Partial<Attempt> = {}): Attempt => ({
  id: 'attempt-1',
  courseId: 'course-1',
  userId: 'learner-1',
  contentVersion: 1,
  standard: 'scorm12',
  scoId: 'ITEM-1',
  preview: false,
  launchedBy: 'learner-1',
  status: 'ended',
  launchedAt: '2026-12-07T09:00:00.000Z',
  initializedAt: null,
  loadMs: null,
  pageLoadMs: null,
  endedAt: null,
  seq: 3,
  outcome: { completion: 'incomplete', success: 'unknown', scoreScaled: null, totalSeconds: 0, ...outcome },
  errors: [],
  errorCount: 0,
  version: 4,
  ...fields,
});

describe('enrollmentAfter', () => {
  it('completes with the score as a percentage, the certification dates, and the time over every attempt', () => {
    // Prepare
    const done = attempt({
      completion: 'completed',
      success: 'passed',
      scoreScaled: 0.855,
      totalSeconds: 90,
    });
    const earlier = attempt({ totalSeconds: 45 }, { id: 'attempt-0' });
    const preview = attempt({ totalSeconds: 1000 }, { id: 'attempt-p', preview: true });

    // Act
    const after = enrollmentAfter(
      enrollment(),
      { certification: { validDays: 365, recertifyDaysBefore: 30 } },
      done,
      [earlier, done, preview],
      NOW,
      true,
    );

    // Assess
    expect(after).toMatchObject({
      status: 'completed',
      completedAt: NOW,
      score: 85.5,
      timeSpentSeconds: 135,
      expiresAt: '2027-12-07T10:00:00.000Z',
      recertifyAt: '2027-11-07T10:00:00.000Z',
      version: 4,
    });
    expect(after?.history.at(-1)).toEqual({
      status: 'completed',
      at: NOW,
      by: 'learner-1',
      reason: 'Attempt attempt-1 of content version 1',
    });
  });

  it('fails on a failed success status, and a later pass completes it', () => {
    // Act
    const failed = enrollmentAfter(
      enrollment(),
      { certification: null },
      attempt({ success: 'failed', scoreScaled: 0.3 }),
      [],
      NOW,
      false,
    );
    const passed = enrollmentAfter(
      enrollment({ status: 'failed', score: 30 }),
      { certification: null },
      attempt({ completion: 'completed', success: 'passed', scoreScaled: 0.9 }),
      [],
      NOW,
      true,
    );

    // Assess
    expect(failed).toMatchObject({ status: 'failed', score: 30 });
    expect(passed).toMatchObject({ status: 'completed', score: 90 });
  });

  it('keeps the best score on a completed enrollment: a score after the completion, a better attempt', () => {
    // Act
    const scored = enrollmentAfter(
      enrollment({ status: 'completed', score: null, completedAt: NOW }),
      { certification: null },
      attempt({ completion: 'completed', success: 'passed', scoreScaled: 0.8 }),
      [],
      NOW,
      true,
    );
    const worse = enrollmentAfter(
      enrollment({ status: 'completed', score: 80, completedAt: NOW }),
      { certification: null },
      attempt({ completion: 'completed', success: 'passed', scoreScaled: 0.7 }),
      [],
      NOW,
      true,
    );

    // Assess
    expect(scored).toMatchObject({ status: 'completed', score: 80, completedAt: NOW });
    expect(worse).toBeUndefined();
  });

  it('never undoes a completion, and changes nothing when nothing changed', () => {
    // Act
    const after = enrollmentAfter(
      enrollment({ status: 'completed', score: 90, completedAt: '2026-12-02T00:00:00.000Z' }),
      { certification: null },
      attempt({ success: 'failed', scoreScaled: 0.1 }),
      [],
      NOW,
      false,
    );
    const unchanged = enrollmentAfter(enrollment(), { certification: null }, attempt({}), [], NOW, false);

    // Assess
    expect(after).toBeUndefined();
    expect(unchanged).toBeUndefined();
  });
});

describe('everyScoDone (SCORM and xAPI course completion)', () => {
  const sco = (scoId: string, outcome: Partial<Attempt['outcome']>, fields: Partial<Attempt> = {}) =>
    attempt(outcome, { id: `attempt-${scoId}-${Math.random()}`, scoId, ...fields });

  it.each([
    ['one SCO completed without a mastery score', [], [sco('ITEM-1', { completion: 'completed' })], true],
    ['one SCO that failed (1.2 failed is not completed)', [], [sco('ITEM-1', { success: 'failed' })], false],
    [
      'two SCOs, one done',
      ['ITEM-1', 'ITEM-2'],
      [sco('ITEM-1', { completion: 'completed', success: 'passed' })],
      false,
    ],
    [
      'two SCOs, both done (one in an earlier attempt)',
      ['ITEM-1', 'ITEM-2'],
      [
        sco('ITEM-2', { completion: 'completed' }),
        sco('ITEM-1', { completion: 'completed', success: 'passed' }),
      ],
      true,
    ],
    [
      'the other SCO done only in a preview, or on another version',
      ['ITEM-1', 'ITEM-2'],
      [
        sco('ITEM-2', { completion: 'completed' }, { preview: true }),
        sco('ITEM-2', { completion: 'completed' }, { contentVersion: 2 }),
        sco('ITEM-1', { completion: 'completed' }),
      ],
      false,
    ],
    [
      'completed but failed',
      ['ITEM-1'],
      [sco('ITEM-1', { completion: 'completed', success: 'failed' })],
      false,
    ],
  ])('%s: %s', (_case, scoIds, attempts, expected) => {
    const latest = attempts.at(-1) as Attempt;
    expect(everyScoDone(scoIds, latest, attempts)).toBe(expected);
  });
});

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 0.5, null],
    [[120], 0.95, 120],
    [[100, 200, 300, 400], 0.5, 200],
    [[100, 200, 300, 400], 0.95, 400],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200], 0.95, 190],
  ])('of %j at %d is %s', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});
