/** A course's cost (per seat and fixed, in one currency) and expected learning time, as the API checks them. */
import { describe, expect, it } from 'vitest';
import { Course, CreateCourseBody, UpdateCourseBody } from '../../../shared/domain/course.ts';

const stored = {
  id: '00000000-0000-4000-8000-000000000c01',
  title: 'Fire safety',
  code: 'HSE-101',
  description: '',
  language: 'en',
  durationMinutes: 45,
  ownerIds: [],
  categoryId: null,
  tags: [],
  prerequisiteIds: [],
  customFields: {},
  selfEnrollment: false,
  capacity: null,
  publishAt: null,
  archiveAt: null,
  reviewBy: null,
  status: 'draft',
  currentContentVersion: null,
  accessibilityWaiver: null,
  publishedAt: null,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
};

describe('course cost and expected minutes', () => {
  it('takes a cost per seat and a fixed cost in one ISO 4217 currency, and whole expected minutes', () => {
    const body = CreateCourseBody.parse({
      title: 'Fire safety',
      cost: { perSeat: 49.99, fixed: 500, currency: 'EUR' },
      expectedMinutes: 90,
    });

    expect(body).toMatchObject({
      cost: { perSeat: 49.99, fixed: 500, currency: 'EUR' },
      expectedMinutes: 90,
    });
    expect(UpdateCourseBody.parse({ cost: null, expectedMinutes: null })).toEqual({
      cost: null,
      expectedMinutes: null,
    });
  });

  it.each([
    ['the former shape', { amount: 50, currency: 'EUR' }, ['cost']],
    ['a negative fixed cost', { perSeat: 50, fixed: -1, currency: 'EUR' }, ['cost', 'fixed']],
    ['a third decimal', { perSeat: 50.005, fixed: 0, currency: 'EUR' }, ['cost', 'perSeat']],
    ['a currency in lower case', { perSeat: 50, fixed: 0, currency: 'eur' }, ['cost', 'currency']],
    ['no fixed part', { perSeat: 50, currency: 'EUR' }, ['cost', 'fixed']],
  ])('refuses %s, naming the field', (_case, cost, path) => {
    const result = CreateCourseBody.safeParse({ title: 'Fire safety', cost });

    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
  });

  it('refuses expected minutes that are not whole, or negative', () => {
    for (const expectedMinutes of [12.5, -1, 100_001])
      expect(
        CreateCourseBody.safeParse({ title: 'Fire safety', expectedMinutes }).error?.issues[0]?.path,
      ).toEqual(['expectedMinutes']);
  });

  it('reads a course stored before costs had two parts as that price per seat and nothing fixed', () => {
    const course = Course.parse({ ...stored, cost: { amount: 120.5, currency: 'USD' } });

    expect(course.cost).toEqual({ perSeat: 120.5, fixed: 0, currency: 'USD' });
    expect(course.expectedMinutes).toBeNull();
  });
});
