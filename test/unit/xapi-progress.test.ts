import { describe, expect, it } from 'vitest';
import { applyStatement, attemptOutcome } from '../../shared/xapi/progress.ts';
import type { AuRecord, LrsSession } from '../../shared/xapi/session.ts';

const ACTIVITY = 'https://example.com/tincan/golf';
const STORED = '2026-05-01T10:00:00.000Z';

const session: LrsSession = {
  id: 'c7d5e0f1-9a1b-4c2d-8e3f-5a6b7c8d9e0f',
  attemptId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
  courseId: '0b8f1c2d-0000-4000-8000-000000000001',
  userId: 'user-1',
  contentVersion: 1,
  preview: false,
  standard: 'cmi5',
  registration: '760e3480-ba55-4991-94b0-01820dbd23a2',
  actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'user-1' } },
  actorKey: 'account:["https://lms.example.com","user-1"]',
  homePage: 'https://lms.example.com',
  au: {
    publisherId: 'https://example.com/au/1',
    activityId: ACTIVITY,
    moveOn: 'Completed',
    masteryScore: null,
    launchMode: 'Normal',
  },
  course: {
    activityId: 'urn:lms:course:x',
    publisherId: 'https://example.com/course',
    auIds: ['https://example.com/au/1'],
    notApplicableAuIds: [],
  },
  launchedAt: '2026-05-01T09:00:00.000Z',
  validUntil: '2026-05-01T21:00:00.000Z',
  fetchKeyHash: null,
  fetchedAt: '2026-05-01T09:00:01.000Z',
  authTokenHash: 'ab',
  initializedAt: null,
  verbs: [],
  end: null,
  endedAt: null,
  lastStatementAt: null,
  attemptSeconds: 120,
  version: 2,
};
const au: AuRecord = {
  activityId: ACTIVITY,
  moveOn: 'Completed',
  masteryScore: null,
  completedAt: null,
  passedAt: null,
  failedAt: null,
  scoreScaled: null,
  lastSessionId: session.id,
  open: true,
};
const about = (verb: string, result?: Record<string, unknown>, object = ACTIVITY) => ({
  actor: session.actor,
  verb: { id: verb },
  object: { id: object },
  ...(result ? { result } : {}),
});

describe('what a cmi5 statement changes', () => {
  it('initialized: the session starts, once', () => {
    const effect = applyStatement(
      session,
      au,
      about('http://adlnet.gov/expapi/verbs/initialized'),
      'initialized',
      STORED,
    );
    expect(effect.initialized).toBe(true);
    expect(effect.progressed).toBe(true);
    expect(effect.session).toMatchObject({
      initializedAt: STORED,
      verbs: ['initialized'],
      lastStatementAt: STORED,
    });
  });

  it('passed with a score: success and score, not time', () => {
    const effect = applyStatement(
      { ...session, verbs: ['initialized'] },
      au,
      about('http://adlnet.gov/expapi/verbs/passed', {
        success: true,
        duration: 'PT5M',
        score: { scaled: 0.9 },
      }),
      'passed',
      STORED,
    );
    expect(effect.au).toMatchObject({ passedAt: STORED, scoreScaled: 0.9 });
    expect(effect.session.attemptSeconds).toBe(120);
    expect(effect.progressed).toBe(true);
  });

  it("terminated: the session ends and its duration joins the attempt's time", () => {
    const effect = applyStatement(
      { ...session, verbs: ['initialized'] },
      au,
      about('http://adlnet.gov/expapi/verbs/terminated', { duration: 'PT15M30S' }),
      'terminated',
      STORED,
    );
    expect(effect.session).toMatchObject({ end: 'terminated', endedAt: STORED, attemptSeconds: 1050 });
    expect(effect.au.open).toBe(false);
    expect(effect.progressed).toBe(true);
  });

  it('a cmi5 allowed statement changes nothing but the last statement time', () => {
    const effect = applyStatement(
      session,
      au,
      about('http://adlnet.gov/expapi/verbs/experienced'),
      null,
      STORED,
    );
    expect(effect).toEqual({
      session: { ...session, lastStatementAt: STORED },
      au,
      initialized: false,
      progressed: false,
    });
  });
});

describe('what an xAPI activity statement changes (read from verb and result)', () => {
  const xapi = { ...session, standard: 'xapi' as const };

  it('one statement with completion and success completes and passes', () => {
    const effect = applyStatement(
      xapi,
      au,
      about('http://adlnet.gov/expapi/verbs/answered', {
        completion: true,
        success: true,
        score: { scaled: 0.75 },
      }),
      null,
      STORED,
    );
    expect(effect.au).toMatchObject({
      completedAt: STORED,
      passedAt: STORED,
      failedAt: null,
      scoreScaled: 0.75,
    });
  });

  it('statements about another activity (a question) say nothing about the attempt', () => {
    const effect = applyStatement(
      xapi,
      au,
      about('http://adlnet.gov/expapi/verbs/passed', { success: true }, `${ACTIVITY}/question-1`),
      null,
      STORED,
    );
    expect(effect.au).toEqual(au);
    expect(effect.progressed).toBe(false);
  });
});

describe('the attempt outcome', () => {
  it.each<[string, Partial<LrsSession>, Partial<AuRecord>, object]>([
    [
      'nothing yet',
      { attemptSeconds: 0 },
      {},
      { completion: 'not attempted', success: 'unknown', scoreScaled: null, totalSeconds: 0 },
    ],
    [
      'initialised',
      { initializedAt: STORED },
      {},
      { completion: 'incomplete', success: 'unknown', scoreScaled: null, totalSeconds: 120 },
    ],
    [
      'completed and failed',
      {},
      { completedAt: STORED, failedAt: STORED, scoreScaled: 0.4 },
      { completion: 'completed', success: 'failed', scoreScaled: 0.4, totalSeconds: 120 },
    ],
    [
      'failed then passed',
      {},
      { failedAt: STORED, passedAt: STORED, scoreScaled: 0.95 },
      { completion: 'incomplete', success: 'passed', scoreScaled: 0.95, totalSeconds: 120 },
    ],
  ])('%s', (_case, sessionState, auState, outcome) => {
    expect(attemptOutcome({ ...session, ...sessionState }, { ...au, ...auState })).toEqual(outcome);
  });
});
