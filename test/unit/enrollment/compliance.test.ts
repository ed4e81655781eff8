import { describe, expect, it } from 'vitest';
import { complianceStatus, type Enrollment } from '../../../shared/domain/enrollment.ts';
import { nextComplianceCheck } from '../../../shared/store/enrollment-store.ts';
import { sweepStep } from '../../../shared/use-cases/compliance.ts';
import { certificationDates, dueDate, newEnrollment } from '../../../shared/use-cases/enrollment.ts';

const source = {
  source: 'manual' as const,
  actor: 'admin@example.com',
  reference: 'req',
  at: '2026-01-01T00:00:00.000Z',
};
const base = newEnrollment('c1', 'u1', source, '2026-01-01T00:00:00.000Z', null, 'admin@example.com', null);
const certification = { certification: { validDays: 365, recertifyDaysBefore: 30 } };

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a sweep step');
  return value;
}

function completed(at: string): Enrollment {
  return { ...base, status: 'completed', completedAt: at, ...certificationDates(certification, at) };
}

describe('due dates', () => {
  const now = new Date('2026-11-28T09:00:00Z');
  it('is a fixed date, N days after enrollment, or N days after hire (enrollment when no hire date)', () => {
    expect(dueDate({ from: 'fixed', at: '2027-01-31T00:00:00Z' }, null, now)).toBe('2027-01-31T00:00:00Z');
    expect(dueDate({ from: 'enrollment', days: 30 }, null, now)).toBe('2026-12-28T09:00:00.000Z');
    expect(dueDate({ from: 'hireDate', days: 30 }, '2026-11-20', now)).toBe('2026-12-20T00:00:00.000Z');
    expect(dueDate({ from: 'hireDate', days: 30 }, null, now)).toBe('2026-12-28T09:00:00.000Z');
    expect(dueDate(undefined, null, now)).toBeNull();
  });
});

describe('certifications and the compliance sweep', () => {
  it('sets expiry and the start of recertification from the completion', () => {
    expect(certificationDates(certification, '2026-01-01T00:00:00.000Z')).toEqual({
      expiresAt: '2027-01-01T00:00:00.000Z',
      recertifyAt: '2026-12-02T00:00:00.000Z',
    });
    expect(certificationDates({ certification: null }, '2026-01-01T00:00:00.000Z')).toEqual({
      expiresAt: null,
      recertifyAt: null,
    });
  });

  it('takes a certificate’s own expiry when another system recorded one, recertification before it', () => {
    expect(certificationDates(certification, '2025-06-01T12:30:00.000Z', '2026-12-31T00:00:00.000Z')).toEqual(
      { expiresAt: '2026-12-31T00:00:00.000Z', recertifyAt: '2026-12-01T00:00:00.000Z' },
    );
  });

  it('queues each enrollment for its next deadline, and nothing once withdrawn', () => {
    expect(nextComplianceCheck(completed('2026-01-01T00:00:00.000Z'))).toBe('2026-12-02T00:00:00.000Z');
    expect(nextComplianceCheck({ ...base, dueAt: '2026-02-01T00:00:00.000Z' })).toBe(
      '2026-02-01T00:00:00.000Z',
    );
    expect(
      nextComplianceCheck({
        ...base,
        dueAt: '2026-02-01T00:00:00.000Z',
        overdueAt: '2026-02-01T01:00:00.000Z',
      }),
    ).toBeUndefined();
    expect(
      nextComplianceCheck({
        ...base,
        dueAt: '2027-02-01T00:00:00.000Z',
        expiresAt: '2027-01-01T00:00:00.000Z',
      }),
    ).toBe('2027-01-01T00:00:00.000Z');
    expect(
      nextComplianceCheck({ ...base, status: 'withdrawn', dueAt: '2026-02-01T00:00:00.000Z' }),
    ).toBeUndefined();
  });

  it('walks a certification through recertification and, untouched, to expiry', () => {
    const done = completed('2026-01-01T00:00:00.000Z');
    expect(sweepStep(done, '2026-12-01T00:00:00.000Z', certification)).toBeUndefined();
    const recert = required(sweepStep(done, '2026-12-02T00:00:00.000Z', certification));
    expect(recert.action).toBe('enrollment.recertification-started');
    expect(recert.after).toMatchObject({
      status: 'enrolled',
      dueAt: '2027-01-01T00:00:00.000Z',
      expiresAt: '2027-01-01T00:00:00.000Z',
      recertifyAt: null,
    });
    expect(recert.after.sources.at(-1)?.source).toBe('recertification');
    expect(complianceStatus(recert.after, '2026-12-02T00:00:00.000Z')).toBe('pending');
    const lapsed = required(sweepStep(recert.after, '2027-01-01T00:00:00.000Z', certification));
    expect(lapsed.action).toBe('enrollment.expired');
    expect(lapsed.after.status).toBe('expired');
    expect(complianceStatus(lapsed.after, '2027-01-01T00:00:00.000Z')).toBe('expired');
  });

  it('flags an overdue enrollment once', () => {
    const due = { ...base, dueAt: '2026-02-01T00:00:00.000Z' };
    expect(complianceStatus(due, '2026-02-02T00:00:00.000Z')).toBe('overdue');
    const step = required(sweepStep(due, '2026-02-02T00:00:00.000Z', undefined));
    expect(step.action).toBe('enrollment.overdue');
    expect(sweepStep(step.after, '2026-02-03T00:00:00.000Z', undefined)).toBeUndefined();
  });

  it('counts a completion as compliant until its certification expires', () => {
    const done = completed('2026-01-01T00:00:00.000Z');
    expect(complianceStatus(done, '2026-06-01T00:00:00.000Z')).toBe('compliant');
    expect(complianceStatus(done, '2027-01-02T00:00:00.000Z')).toBe('expired');
  });
});
