import { describe, expect, it } from 'vitest';
import {
  CohortRule,
  CreateCohortBody,
  MAX_RULE_DEPTH,
  type RuleSubject,
  ruleMatches,
  ruleSizeProblem,
} from '../../../shared/domain/cohort.ts';

const SALES = '6f0c2a56-0000-4000-8000-000000000001';
const EMEA = '6f0c2a56-0000-4000-8000-000000000002';
const BOSS = '6f0c2a56-0000-4000-8000-000000000003';
const NEW_STARTERS = '6f0c2a56-0000-4000-8000-000000000004';

function subject(
  overrides: Partial<RuleSubject['user']> = {},
  extra: Partial<RuleSubject> = {},
): RuleSubject {
  return {
    user: {
      id: '6f0c2a56-0000-4000-8000-0000000000ff',
      departmentId: EMEA,
      managerId: BOSS,
      jobTitle: 'Account Executive',
      location: 'Berlin',
      hireDate: '2026-10-01',
      customAttributes: { costCentre: 'CC-42' },
      ...overrides,
    },
    departmentLineage: new Set([SALES, EMEA]),
    cohortIds: new Set(),
    today: '2026-11-28',
    ...extra,
  };
}

const rule = (value: unknown) => CohortRule.parse(value);

describe('cohort rules', () => {
  it('matches a department subtree, not only the department itself', () => {
    expect(ruleMatches(rule({ type: 'department', departmentId: SALES }), subject())).toBe(true);
    expect(
      ruleMatches(
        rule({ type: 'department', departmentId: SALES }),
        subject({}, { departmentLineage: new Set() }),
      ),
    ).toBe(false);
  });

  it('compares text attributes without regard to case, with equals, in, startsWith and exists', () => {
    expect(
      ruleMatches(
        rule({ type: 'attribute', attribute: 'location', op: 'equals', value: 'berlin' }),
        subject(),
      ),
    ).toBe(true);
    expect(
      ruleMatches(
        rule({ type: 'attribute', attribute: 'location', op: 'in', value: ['Paris', 'BERLIN'] }),
        subject(),
      ),
    ).toBe(true);
    expect(
      ruleMatches(
        rule({ type: 'attribute', attribute: 'jobTitle', op: 'startsWith', value: 'account' }),
        subject(),
      ),
    ).toBe(true);
    expect(
      ruleMatches(rule({ type: 'attribute', attribute: 'custom.costCentre', op: 'exists' }), subject()),
    ).toBe(true);
    expect(
      ruleMatches(rule({ type: 'attribute', attribute: 'custom.region', op: 'exists' }), subject()),
    ).toBe(false);
    expect(
      ruleMatches(
        rule({ type: 'attribute', attribute: 'location', op: 'equals', value: 'Berlin' }),
        subject({ location: null }),
      ),
    ).toBe(false);
  });

  it('tests hire dates absolutely and relative to today; people without one match neither', () => {
    expect(ruleMatches(rule({ type: 'hireDate', op: 'onOrAfter', date: '2026-10-01' }), subject())).toBe(
      true,
    );
    expect(ruleMatches(rule({ type: 'hireDate', op: 'before', date: '2026-10-01' }), subject())).toBe(false);
    expect(ruleMatches(rule({ type: 'hiredWithinDays', days: 90 }), subject())).toBe(true);
    expect(ruleMatches(rule({ type: 'hiredWithinDays', days: 30 }), subject())).toBe(false);
    expect(ruleMatches(rule({ type: 'hiredWithinDays', days: 90 }), subject({ hireDate: null }))).toBe(false);
  });

  it('combines with all, any and not, and reads manager and other cohorts', () => {
    const combined = rule({
      type: 'all',
      rules: [
        { type: 'manager', userId: BOSS },
        {
          type: 'any',
          rules: [
            { type: 'cohort', cohortId: NEW_STARTERS },
            { type: 'attribute', attribute: 'location', op: 'equals', value: 'Berlin' },
          ],
        },
        { type: 'not', rule: { type: 'attribute', attribute: 'jobTitle', op: 'equals', value: 'Intern' } },
      ],
    });
    expect(ruleMatches(combined, subject())).toBe(true);
    expect(ruleMatches(combined, subject({ location: 'Paris' }))).toBe(false);
    expect(
      ruleMatches(combined, subject({ location: 'Paris' }, { cohortIds: new Set([NEW_STARTERS]) })),
    ).toBe(true);
    expect(ruleMatches(combined, subject({ jobTitle: 'intern' }))).toBe(false);
  });

  it('refuses a rule that does not parse, naming the node and field at fault', () => {
    const result = CreateCohortBody.safeParse({
      name: 'Bad',
      kind: 'rule',
      rule: {
        type: 'all',
        rules: [
          { type: 'attribute', attribute: 'salary', op: 'equals', value: '1' },
          { type: 'department' },
          { type: 'or', rules: [] },
        ],
      },
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(['rule.rules.0.attribute', 'rule.rules.1.departmentId', 'rule.rules.2.type']),
    );
  });

  it('says which value an operator takes', () => {
    const missing = CohortRule.safeParse({
      type: 'attribute',
      attribute: 'location',
      op: 'in',
      value: 'Berlin',
    });
    expect(missing.error?.issues[0]).toMatchObject({
      path: ['value'],
      message: '`in` takes a list of values',
    });
    const extra = CohortRule.safeParse({
      type: 'attribute',
      attribute: 'location',
      op: 'exists',
      value: 'x',
    });
    expect(extra.error?.issues[0]?.message).toBe('`exists` takes no value');
  });

  it('requires a rule on rule cohorts and none on static ones', () => {
    expect(CreateCohortBody.safeParse({ name: 'A', kind: 'rule' }).error?.issues[0]?.path).toEqual(['rule']);
    expect(
      CreateCohortBody.safeParse({ name: 'A', kind: 'static', rule: { type: 'manager', userId: BOSS } }).error
        ?.issues[0]?.path,
    ).toEqual(['rule']);
  });

  it('bounds depth and size', () => {
    let deep: unknown = { type: 'manager', userId: BOSS };
    for (let level = 0; level < MAX_RULE_DEPTH; level++) deep = { type: 'not', rule: deep };
    expect(ruleSizeProblem(rule(deep))).toMatch(/levels deep/);
    const wide = rule({
      type: 'any',
      rules: Array.from({ length: 20 }, () => ({
        type: 'all',
        rules: Array.from({ length: 3 }, () => ({ type: 'manager', userId: BOSS })),
      })),
    });
    expect(ruleSizeProblem(wide)).toMatch(/81 conditions/);
    expect(ruleSizeProblem(rule({ type: 'manager', userId: BOSS }))).toBeUndefined();
  });
});
