/** The sign-ins report on fixture data with known answers. */
import { describe, expect, it } from 'vitest';
import { signInsReport } from '../../../shared/reports/catalog/sign-ins.ts';
import { reportFixture } from '../../support/reports.ts';

const ANA = '00000000-0000-4000-8000-0000000000a1';
const BO = '00000000-0000-4000-8000-0000000000b2';
const CY = '00000000-0000-4000-8000-0000000000c3';

function signIn(
  user_id: string | null,
  at: string,
  outcome = 'succeeded',
  method: string | null = 'password',
) {
  return { user_id, at, outcome, reason: outcome === 'refused' ? 'suspended' : null, method };
}

const tables = {
  people: [
    { user_id: ANA, given_name: 'Ana', family_name: 'Alves' },
    { user_id: BO, given_name: 'Bo', family_name: 'Berg' },
    { user_id: CY, given_name: 'Cy', family_name: 'Cole', status: 'suspended' },
  ],
  sign_ins: [
    signIn(ANA, '2026-06-01T08:00:00Z'),
    signIn(ANA, '2026-06-01T17:00:00Z'),
    signIn(BO, '2026-06-01T09:00:00Z', 'succeeded', 'federated'),
    signIn(CY, '2026-06-01T10:00:00Z', 'refused'),
    signIn(CY, '2026-06-01T10:05:00Z', 'refused'),
    // An erased person's refusal: counted, named by no one.
    signIn(null, '2026-06-01T11:00:00Z', 'refused', 'federated'),
    signIn(ANA, '2026-06-02T08:00:00Z'),
    signIn(BO, '2026-06-02T23:59:59Z', 'succeeded', 'federated'),
    signIn(CY, '2026-06-02T07:00:00Z', 'refused', 'federated'),
    // Recorded before sign-ins kept their method.
    signIn(BO, '2026-06-03T12:00:00Z', 'succeeded', null),
    // Outside the period.
    signIn(ANA, '2026-05-31T23:59:59Z'),
    signIn(CY, '2026-07-01T00:00:00Z', 'refused'),
  ],
};

const period = { from: '2026-06-01', to: '2026-06-30' };
const REFUSED = [
  {
    day: '2026-06-01',
    outcome: 'refused',
    reason: 'suspended',
    method: 'federated',
    user_id: null,
    person_name: null,
    sign_ins: 1,
    people: 0,
  },
  {
    day: '2026-06-01',
    outcome: 'refused',
    reason: 'suspended',
    method: 'password',
    user_id: CY,
    person_name: 'Cy Cole',
    sign_ins: 2,
    people: 1,
  },
  {
    day: '2026-06-02',
    outcome: 'refused',
    reason: 'suspended',
    method: 'federated',
    user_id: CY,
    person_name: 'Cy Cole',
    sign_ins: 1,
    people: 1,
  },
];
const succeeded = (day: string, method: string | null, sign_ins: number) => ({
  day,
  outcome: 'succeeded',
  reason: null,
  method,
  user_id: null,
  person_name: null,
  sign_ins,
  people: 1,
});

describe('sign-ins report', () => {
  it('counts sign-ins per day and method, and lists each person refused with the reason', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const rows = await fixture.run(signInsReport, period);

    // Assess
    expect(rows).toEqual([
      succeeded('2026-06-01', 'federated', 1),
      succeeded('2026-06-01', 'password', 2),
      REFUSED[0],
      REFUSED[1],
      succeeded('2026-06-02', 'federated', 1),
      succeeded('2026-06-02', 'password', 1),
      REFUSED[2],
      succeeded('2026-06-03', null, 1),
    ]);
  });

  it('narrows to refused sign-ins, and is for administrators only', async () => {
    // Prepare
    const fixture = await reportFixture(tables);

    // Act
    const refused = await fixture.run(signInsReport, { ...period, outcome: 'refused' });

    // Assess
    expect(refused).toEqual(REFUSED);
    expect(signInsReport.roles).toEqual(['admin']);
    expect(
      signInsReport.params
        .safeParse({ ...period, outcome: 'locked' })
        .error?.issues.map((issue) => issue.path),
    ).toEqual([['outcome']]);
  });
});
