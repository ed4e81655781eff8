import { describe, expect, it } from 'vitest';
import {
  acceptStatement,
  agentErrors,
  agentKey,
  durationSeconds,
  idsFormat,
  isoDuration,
  relatedActivityIdsOf,
  sameStatement,
  statementErrors,
  versionErrors,
  voidedIdOf,
} from '../../shared/xapi/statement.ts';

const actor = { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'u-1' } };
const valid = {
  actor,
  verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced' } },
  object: { id: 'https://example.com/activities/intro' },
};

describe('statement schema errors', () => {
  it('accepts a minimal valid statement', () => {
    expect(statementErrors(valid, 'body.0')).toEqual([]);
  });

  it.each([
    [
      'a scaled score above 1 and a registration that is no UUID',
      { ...valid, result: { score: { scaled: 2 } }, context: { registration: 'nope' } },
      [
        { path: 'body.0.result.score.scaled', message: 'must be a valid Scaled' },
        {
          path: 'body.0.context.registration',
          message: 'must be a valid Universal Unique Identifier (UUID)',
        },
      ],
    ],
    ['no actor', { verb: valid.verb, object: valid.object }, [{ path: 'body.0.actor', message: 'required' }]],
    [
      'an unknown property',
      { ...valid, colour: 'blue' },
      [{ path: 'body.0.colour', message: 'not an xAPI property here' }],
    ],
    [
      'an actor with two identifiers',
      { ...valid, actor: { mbox: 'mailto:a@example.com', openid: 'https://id.example.com/a' } },
      [
        {
          path: 'body.0.actor',
          message: 'needs exactly one of mbox, mbox_sha1sum, openid or account (got mbox, openid)',
        },
      ],
    ],
    [
      'a verb id that is no IRI',
      { ...valid, verb: { id: 'experienced' } },
      [{ path: 'body.0.verb.id', message: 'must be a valid Internationalized Resource Identifier (IRI)' }],
    ],
    [
      'a voiding statement whose object is an activity',
      { ...valid, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } },
      [{ path: 'body.0.object', message: 'a voiding statement must have a StatementRef object' }],
    ],
    [
      'a raw score under its min',
      { ...valid, result: { score: { raw: 1, min: 5, max: 10 } } },
      [{ path: 'body.0.result.score.raw', message: 'must not be less than min' }],
    ],
    [
      'a success that is not a boolean',
      { ...valid, result: { success: 'yes' } },
      [{ path: 'body.0.result.success', message: 'must be a valid Boolean' }],
    ],
  ])('names the field for %s', (_case, statement, errors) => {
    expect(statementErrors(statement, 'body.0')).toEqual(errors);
  });

  it('leaves a 2.0.0 version to the LRS, which speaks 1.0.x and 2.0.x', () => {
    expect(statementErrors({ ...valid, version: '2.0.0' }, 'body.0')).toEqual([]);
    expect(versionErrors({ ...valid, version: '2.0.0' }, 'body.0')).toEqual([]);
    expect(versionErrors({ ...valid, version: '0.95' }, 'body.0')).toEqual([
      { path: 'body.0.version', message: 'must be 1.0.x or 2.0.x' },
    ]);
  });

  it('checks an agent parameter and refuses a Group there', () => {
    expect(agentErrors(actor, 'query.agent')).toEqual([]);
    expect(agentErrors({ objectType: 'Agent' }, 'query.agent')).toEqual([
      { path: 'query.agent', message: 'needs one of mbox, mbox_sha1sum, openid or account' },
    ]);
    expect(
      agentErrors({ objectType: 'Group', mbox: 'mailto:team@example.com', member: [] }, 'query.agent'),
    ).toEqual([
      { path: 'query.agent.objectType', message: 'must be "Agent"' },
      { path: 'query.agent.member', message: 'not an xAPI property here' },
    ]);
  });
});

describe('agents', () => {
  it.each([
    [actor, 'account:["https://lms.example.com","u-1"]'],
    [{ name: 'Ada', mbox: 'mailto:ada@example.com' }, 'mbox:mailto:ada@example.com'],
    [
      { mbox_sha1sum: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' },
      'mbox_sha1sum:abcdef0123456789abcdef0123456789abcdef01',
    ],
    [{ openid: 'https://id.example.com/ada' }, 'openid:https://id.example.com/ada'],
    [{ objectType: 'Group', member: [] }, undefined],
  ])('identifies %j as %s, whatever its name', (agent, key) => {
    expect(agentKey(agent)).toBe(key);
  });
});

describe('what the LRS sets', () => {
  const assigned = {
    id: '6a4b0a3c-7a47-4d1f-9c85-2d0f7f5e8a11',
    stored: '2026-05-01T10:00:00.000Z',
    authority: { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'lms' } },
    version: '1.0.0',
  };

  it('assigns id, stored, authority, version, and timestamp from stored when absent', () => {
    const { statement, timestampAssigned } = acceptStatement(
      { ...valid, authority: { mbox: 'mailto:forged@example.com' } },
      assigned,
    );
    expect(timestampAssigned).toBe(true);
    expect(statement).toEqual({
      ...valid,
      id: '6a4b0a3c-7a47-4d1f-9c85-2d0f7f5e8a11',
      timestamp: '2026-05-01T10:00:00.000Z',
      stored: '2026-05-01T10:00:00.000Z',
      authority: assigned.authority,
      version: '1.0.0',
    });
  });

  it("keeps the statement's own id, timestamp and version", () => {
    const own = {
      ...valid,
      id: 'e1f0b0a2-1111-4a2b-8c3d-444455556666',
      timestamp: '2026-04-30T08:00:00Z',
      version: '1.0.3',
    };
    const { statement, timestampAssigned } = acceptStatement(own, assigned);
    expect(timestampAssigned).toBe(false);
    expect([statement.id, statement.timestamp, statement.version]).toEqual([
      'e1f0b0a2-1111-4a2b-8c3d-444455556666',
      '2026-04-30T08:00:00Z',
      '1.0.3',
    ]);
  });

  it('tells a retry (same content, key order aside) from a conflict', () => {
    const received = { id: assigned.id, ...valid };
    const stored = acceptStatement(received, assigned).statement;
    const reordered = { object: valid.object, verb: valid.verb, actor, id: assigned.id };
    expect(sameStatement(reordered, stored, true)).toBe(true);
    expect(sameStatement({ ...received, result: { success: true } }, stored, true)).toBe(false);
    // A timestamp the client did not send at first is a difference only if the client's own was stored
    expect(sameStatement({ ...received, timestamp: '2026-05-02T00:00:00Z' }, stored, true)).toBe(true);
    expect(sameStatement({ ...received, timestamp: '2026-05-02T00:00:00Z' }, stored, false)).toBe(false);
  });
});

describe('voiding and filters', () => {
  it('finds the target of a voiding statement only when its object is a StatementRef', () => {
    const voiding = {
      ...valid,
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
      object: { objectType: 'StatementRef', id: 'e1f0b0a2-1111-4a2b-8c3d-444455556666' },
    };
    expect(voidedIdOf(voiding)).toBe('e1f0b0a2-1111-4a2b-8c3d-444455556666');
    expect(
      voidedIdOf({ ...voiding, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' } }),
    ).toBeUndefined();
    expect(voidedIdOf(valid)).toBeUndefined();
  });

  it('lists the object and every context activity as related activities', () => {
    const statement = {
      ...valid,
      context: {
        contextActivities: {
          parent: [{ id: 'https://example.com/course' }],
          grouping: { id: 'https://example.com/program' },
          category: [{ id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' }],
        },
      },
    };
    expect(relatedActivityIdsOf(statement)).toEqual([
      'https://example.com/activities/intro',
      'https://example.com/course',
      'https://example.com/program',
      'https://w3id.org/xapi/cmi5/context/categories/cmi5',
    ]);
  });

  it('reduces agents, verbs and activities to their ids for format=ids', () => {
    const full = {
      ...valid,
      actor: { ...actor, name: 'Ada Lovelace' },
      object: { id: 'https://example.com/activities/intro', definition: { name: { 'en-US': 'Intro' } } },
    };
    expect(idsFormat(full)).toEqual({
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
      object: { objectType: 'Activity', id: 'https://example.com/activities/intro' },
    });
  });
});

describe('durations', () => {
  it.each([
    ['PT1H30M5.5S', 5405.5],
    ['PT45S', 45],
    ['P1DT2H', 93_600],
    ['P2W', 1_209_600],
    ['PT0S', 0],
  ])('reads %s as %d seconds', (duration, seconds) => {
    expect(durationSeconds(duration)).toBe(seconds);
  });

  it.each(['P', 'PT', '1H', 'PT1.H', 42])('refuses %j', (duration) => {
    expect(durationSeconds(duration)).toBeUndefined();
  });

  it('writes seconds as cmi5 durations', () => {
    expect(isoDuration(3723.5)).toBe('PT1H2M3.5S');
    expect(isoDuration(0)).toBe('PT0S');
  });
});
