import { describe, expect, it } from 'vitest';
import {
  abandonedStatement,
  auActivityId,
  courseSatisfiedStatement,
  launchData,
  launchedStatement,
} from '../../shared/xapi/cmi5-statements.ts';
import type { LrsSession } from '../../shared/xapi/session.ts';
import { statementErrors } from '../../shared/xapi/statement.ts';

const COURSE = '0b8f1c2d-0000-4000-8000-000000000001';
const PUBLISHER = 'https://example.com/courses/fire-safety/au/1';
const AT = '2026-05-01T09:00:00.000Z';
const actor = { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'user-1' } };

const session: LrsSession = {
  id: 'c7d5e0f1-9a1b-4c2d-8e3f-5a6b7c8d9e0f',
  attemptId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
  courseId: COURSE,
  userId: 'user-1',
  contentVersion: 1,
  preview: false,
  standard: 'cmi5',
  registration: '760e3480-ba55-4991-94b0-01820dbd23a2',
  actor,
  actorKey: 'account:["https://lms.example.com","user-1"]',
  homePage: 'https://lms.example.com',
  au: {
    publisherId: PUBLISHER,
    activityId: 'urn:lms:course:0b8f1c2d-0000-4000-8000-000000000001:au:7f2e',
    moveOn: 'CompletedAndPassed',
    masteryScore: 0.8,
    launchMode: 'Normal',
  },
  course: {
    activityId: 'urn:lms:course:0b8f1c2d-0000-4000-8000-000000000001',
    publisherId: 'https://example.com/courses/fire-safety',
    auIds: [PUBLISHER],
    notApplicableAuIds: [],
  },
  launchedAt: AT,
  validUntil: '2026-05-01T21:00:00.000Z',
  fetchKeyHash: 'ab',
  fetchedAt: null,
  authTokenHash: null,
  initializedAt: null,
  verbs: [],
  end: null,
  endedAt: null,
  lastStatementAt: null,
  attemptSeconds: 0,
  version: 1,
};
const context = {
  registration: '760e3480-ba55-4991-94b0-01820dbd23a2',
  contextActivities: {
    category: [{ objectType: 'Activity', id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' }],
    grouping: [{ objectType: 'Activity', id: PUBLISHER }],
  },
};
const authority = {
  objectType: 'Agent',
  name: 'LMS',
  account: { homePage: 'https://lms.example.com', name: 'lms' },
};

describe("the LMS's cmi5 statements", () => {
  it('generates a stable AU activity id that is never the publisher id', () => {
    expect(auActivityId(COURSE, PUBLISHER)).toBe(
      'urn:lms:course:0b8f1c2d-0000-4000-8000-000000000001:au:a2406d2d2623070139d2822a75848a8d',
    );
    expect(auActivityId(COURSE, PUBLISHER)).not.toBe(auActivityId(COURSE, `${PUBLISHER}/2`));
  });

  it('launched: the launch mode, URL, moveOn, mastery score and parameters in context extensions', () => {
    const statement = launchedStatement({
      id: 'a1a1a1a1-0000-4000-8000-000000000001',
      session,
      at: AT,
      launchUrl: 'https://content.example.com/c/v1/au1/index.html',
      launchParameters: 'level=2',
    });
    expect(statement).toEqual({
      id: 'a1a1a1a1-0000-4000-8000-000000000001',
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/launched', display: { 'en-US': 'launched' } },
      object: { objectType: 'Activity', id: 'urn:lms:course:0b8f1c2d-0000-4000-8000-000000000001:au:7f2e' },
      context: {
        ...context,
        extensions: {
          'https://w3id.org/xapi/cmi5/context/extensions/sessionid': 'c7d5e0f1-9a1b-4c2d-8e3f-5a6b7c8d9e0f',
          'https://w3id.org/xapi/cmi5/context/extensions/launchmode': 'Normal',
          'https://w3id.org/xapi/cmi5/context/extensions/launchurl':
            'https://content.example.com/c/v1/au1/index.html',
          'https://w3id.org/xapi/cmi5/context/extensions/moveon': 'CompletedAndPassed',
          'https://w3id.org/xapi/cmi5/context/extensions/launchparameters': 'level=2',
          'https://w3id.org/xapi/cmi5/context/extensions/masteryscore': 0.8,
        },
      },
      timestamp: AT,
      stored: AT,
      authority,
      version: '1.0.0',
    });
    expect(statementErrors(statement, 'launched')).toEqual([]);
  });

  it("abandoned: the session's duration from launch to the AU's last statement", () => {
    const statement = abandonedStatement({
      id: 'a1a1a1a1-0000-4000-8000-000000000002',
      session: { ...session, lastStatementAt: '2026-05-01T09:20:30.500Z' },
      at: '2026-05-01T11:00:00.000Z',
    });
    expect(statement.verb).toEqual({
      id: 'https://w3id.org/xapi/adl/verbs/abandoned',
      display: { 'en-US': 'abandoned' },
    });
    expect(statement.result).toEqual({ duration: 'PT20M30.5S' });
    expect(statementErrors(statement, 'abandoned')).toEqual([]);
  });

  it("satisfied: the course's LMS activity id and the course activity type", () => {
    const statement = courseSatisfiedStatement({
      id: 'a1a1a1a1-0000-4000-8000-000000000003',
      session,
      at: AT,
    });
    expect(statement.verb).toEqual({
      id: 'https://w3id.org/xapi/adl/verbs/satisfied',
      display: { 'en-US': 'satisfied' },
    });
    expect(statement.object).toEqual({
      objectType: 'Activity',
      id: 'urn:lms:course:0b8f1c2d-0000-4000-8000-000000000001',
      definition: { type: 'https://w3id.org/xapi/cmi5/activitytype/course' },
    });
    expect(statement.context).toEqual({
      ...context,
      extensions: {
        'https://w3id.org/xapi/cmi5/context/extensions/sessionid': 'c7d5e0f1-9a1b-4c2d-8e3f-5a6b7c8d9e0f',
      },
    });
    expect(statementErrors(statement, 'satisfied')).toEqual([]);
  });

  it('LMS.LaunchData: the context template, launch mode, mastery score, moveOn and return URL', () => {
    expect(launchData(session, { returnUrl: 'https://lms.example.com/courses/x' })).toEqual({
      contextTemplate: {
        contextActivities: { grouping: [{ objectType: 'Activity', id: PUBLISHER }] },
        extensions: {
          'https://w3id.org/xapi/cmi5/context/extensions/sessionid': 'c7d5e0f1-9a1b-4c2d-8e3f-5a6b7c8d9e0f',
        },
      },
      launchMode: 'Normal',
      masteryScore: 0.8,
      moveOn: 'CompletedAndPassed',
      returnURL: 'https://lms.example.com/courses/x',
    });
  });
});
