/**
 * Cohorts: groups of people, either listed by hand (static) or defined by a rule over their profile
 * (department subtree, location, job title, hire date, manager, custom attributes, membership of another
 * cohort), combined with all/any/not. A rule is JSON with a `type` on every node, so a rule that does not
 * parse is refused with the path of the node at fault (`body.rule.rules.1.op`).
 */
import * as z from 'zod';
import { Id, IsoDate, IsoDateTime, PageCursor, PageLimit, text } from './common.ts';
import { UserIds } from './user.ts';

const MAX_CHILDREN = 20;
/** Deeper or larger rules are refused: nobody maintains them, and evaluation runs for every profile change. */
export const MAX_RULE_DEPTH = 6;
export const MAX_RULE_NODES = 60;

const StringOp = z.enum(['equals', 'in', 'startsWith', 'exists']);

export type CohortRule =
  | { type: 'all'; rules: CohortRule[] }
  | { type: 'any'; rules: CohortRule[] }
  | { type: 'not'; rule: CohortRule }
  | { type: 'department'; departmentId: string }
  | {
      type: 'attribute';
      attribute: string;
      op: z.infer<typeof StringOp>;
      value?: string | string[] | undefined;
    }
  | { type: 'hireDate'; op: 'before' | 'onOrAfter'; date: string }
  | { type: 'hiredWithinDays'; days: number }
  | { type: 'manager'; userId: string }
  | { type: 'cohort'; cohortId: string };

/** Profile fields a rule may test besides custom attributes (`custom.<name>`). */
export const RULE_ATTRIBUTES = ['location', 'jobTitle'] as const;

const AttributeCondition = z
  .strictObject({
    type: z.literal('attribute'),
    attribute: z
      .string()
      .regex(
        /^(location|jobTitle|custom\.[A-Za-z][A-Za-z0-9_]{0,63})$/,
        'location, jobTitle or custom.<attribute name>',
      ),
    op: StringOp.describe('Compared without regard to case; `exists`: the attribute has a value'),
    value: z
      .union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(100)])
      .optional(),
  })
  .superRefine((node, context) => {
    const wants = node.op === 'exists' ? 'none' : node.op === 'in' ? 'list' : 'text';
    const has = node.value === undefined ? 'none' : Array.isArray(node.value) ? 'list' : 'text';
    if (wants !== has)
      context.addIssue({
        code: 'custom',
        path: ['value'],
        message:
          wants === 'none'
            ? '`exists` takes no value'
            : wants === 'list'
              ? '`in` takes a list of values'
              : `\`${node.op}\` takes one text value`,
      });
  });

export const CohortRule: z.ZodType<CohortRule> = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('all'),
      get rules() {
        return z.array(CohortRule).min(1).max(MAX_CHILDREN);
      },
    }),
    z.strictObject({
      type: z.literal('any'),
      get rules() {
        return z.array(CohortRule).min(1).max(MAX_CHILDREN);
      },
    }),
    z.strictObject({
      type: z.literal('not'),
      get rule() {
        return CohortRule;
      },
    }),
    z.strictObject({
      type: z.literal('department').describe('In this department or any department below it'),
      departmentId: Id,
    }),
    AttributeCondition,
    z.strictObject({ type: z.literal('hireDate'), op: z.enum(['before', 'onOrAfter']), date: IsoDate }),
    z.strictObject({
      type: z.literal('hiredWithinDays').describe('Hired in the last N days (new starters)'),
      days: z.number().int().min(1).max(3650),
    }),
    z.strictObject({ type: z.literal('manager').describe('Reports directly to this person'), userId: Id }),
    z.strictObject({ type: z.literal('cohort').describe('A member of this other cohort'), cohortId: Id }),
  ])
  .meta({ id: 'CohortRule' }) as z.ZodType<CohortRule>;

/** Depth and size limits, checked after parsing (zod cannot bound recursion by itself). */
export function ruleSizeProblem(rule: CohortRule): string | undefined {
  let nodes = 0;
  let deepest = 0;
  const visit = (node: CohortRule, depth: number) => {
    nodes++;
    deepest = Math.max(deepest, depth);
    if (node.type === 'all' || node.type === 'any') for (const child of node.rules) visit(child, depth + 1);
    if (node.type === 'not') visit(node.rule, depth + 1);
  };
  visit(rule, 1);
  if (deepest > MAX_RULE_DEPTH) return `the rule nests ${deepest} levels deep; at most ${MAX_RULE_DEPTH}`;
  if (nodes > MAX_RULE_NODES) return `the rule has ${nodes} conditions; at most ${MAX_RULE_NODES}`;
  return undefined;
}

/** Every node of a rule, depth first. */
export function ruleNodes(rule: CohortRule): CohortRule[] {
  if (rule.type === 'all' || rule.type === 'any') return [rule, ...rule.rules.flatMap(ruleNodes)];
  if (rule.type === 'not') return [rule, ...ruleNodes(rule.rule)];
  return [rule];
}

/** What a rule needs to know about a person besides their profile. */
export interface RuleSubject {
  user: {
    id: string;
    departmentId: string | null;
    managerId: string | null;
    jobTitle: string | null;
    location: string | null;
    hireDate: string | null;
    customAttributes: Record<string, string>;
  };
  /** Ids of the departments the person's department sits in, itself included. */
  departmentLineage: ReadonlySet<string>;
  /** Cohorts the person is a member of (for `cohort` conditions). */
  cohortIds: ReadonlySet<string>;
  /** Today, `YYYY-MM-DD` (for hire-date conditions). */
  today: string;
}

export function ruleMatches(rule: CohortRule, subject: RuleSubject): boolean {
  switch (rule.type) {
    case 'all':
      return rule.rules.every((child) => ruleMatches(child, subject));
    case 'any':
      return rule.rules.some((child) => ruleMatches(child, subject));
    case 'not':
      return !ruleMatches(rule.rule, subject);
    case 'department':
      return subject.departmentLineage.has(rule.departmentId);
    case 'manager':
      return subject.user.managerId === rule.userId;
    case 'cohort':
      return subject.cohortIds.has(rule.cohortId);
    case 'hireDate':
      if (!subject.user.hireDate) return false;
      return rule.op === 'before' ? subject.user.hireDate < rule.date : subject.user.hireDate >= rule.date;
    case 'hiredWithinDays': {
      if (!subject.user.hireDate) return false;
      const since = new Date(Date.parse(`${subject.today}T00:00:00Z`) - rule.days * 86_400_000);
      return subject.user.hireDate >= since.toISOString().slice(0, 10);
    }
    case 'attribute': {
      const raw = attributeValue(subject.user, rule.attribute);
      if (rule.op === 'exists') return raw !== null && raw !== '';
      if (raw === null) return false;
      const actual = raw.toLowerCase();
      if (rule.op === 'in')
        return (rule.value as string[]).some((candidate) => candidate.toLowerCase() === actual);
      const wanted = String(rule.value).toLowerCase();
      return rule.op === 'equals' ? actual === wanted : actual.startsWith(wanted);
    }
  }
}

function attributeValue(user: RuleSubject['user'], attribute: string): string | null {
  if (attribute === 'location') return user.location;
  if (attribute === 'jobTitle') return user.jobTitle;
  return user.customAttributes[attribute.slice('custom.'.length)] ?? null;
}

export const COHORT_KINDS = ['static', 'rule'] as const;

export const Cohort = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string(),
    kind: z.enum(COHORT_KINDS),
    rule: CohortRule.nullable(),
    externalId: z
      .string()
      .nullable()
      // Cohorts stored before external ids had none.
      .default(null)
      .describe(
        'The id the cohort has in the system it comes from (a Canvas section, a Moodle cohort idnumber, a directory group); unique',
      ),
    memberCount: z.number().int().min(0),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int().min(1),
  })
  .meta({ id: 'Cohort' });
export type Cohort = z.infer<typeof Cohort>;

/** Trimmed, 1 to 255 characters, no control characters (it is keyed and shown). */
export const CohortExternalId = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');

/** A new cohort, as POST /cohorts makes it (no members yet). */
export function newCohort(
  id: string,
  now: string,
  input: Omit<CreateCohortInput, 'confirmMatchesEveryone'>,
): Cohort {
  return {
    id,
    name: input.name,
    description: input.description ?? '',
    kind: input.kind,
    rule: input.rule ?? null,
    externalId: input.externalId ?? null,
    memberCount: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}

const confirmation = z
  .boolean()
  .optional()
  .describe('Required (true) when the rule matches every active person: a safeguard against typos');

export const CreateCohortBody = z
  .strictObject({
    name: text(120),
    description: z.string().trim().max(2000).optional(),
    kind: z.enum(COHORT_KINDS),
    rule: CohortRule.optional().describe('Required for rule cohorts, absent for static ones'),
    externalId: CohortExternalId.optional(),
    confirmMatchesEveryone: confirmation,
  })
  .superRefine((body, context) => {
    if (body.kind === 'rule' && !body.rule)
      context.addIssue({ code: 'custom', path: ['rule'], message: 'a rule cohort needs a rule' });
    if (body.kind === 'static' && body.rule)
      context.addIssue({ code: 'custom', path: ['rule'], message: 'a static cohort has no rule' });
  })
  .meta({ id: 'CreateCohort' });
export type CreateCohortInput = z.infer<typeof CreateCohortBody>;

export const UpdateCohortBody = z
  .strictObject({
    name: text(120).optional(),
    description: z.string().trim().max(2000).optional(),
    rule: CohortRule.optional().describe('Rule cohorts only: the new rule; members are re-evaluated'),
    externalId: CohortExternalId.nullable().optional().describe('null removes it'),
    confirmMatchesEveryone: confirmation,
  })
  .refine(
    (body) =>
      Object.entries(body).some(
        ([field, value]) => field !== 'confirmMatchesEveryone' && value !== undefined,
      ),
    {
      message: 'name at least one field to change',
    },
  )
  .meta({ id: 'UpdateCohort' });
export type UpdateCohortInput = z.infer<typeof UpdateCohortBody>;

/** A person's place in a cohort: by hand (static) or because the rule matched them. */
export const CohortMember = z
  .object({
    cohortId: Id,
    userId: Id,
    via: z.enum(COHORT_KINDS),
    addedAt: IsoDateTime,
    addedBy: z.string(),
  })
  .meta({ id: 'CohortMember' });
export type CohortMember = z.infer<typeof CohortMember>;

export const CohortMembersBody = z
  .strictObject({
    userIds: UserIds,
  })
  .meta({ id: 'CohortMembers' });

export const CohortMemberOutcome = z.object({
  userId: Id,
  outcome: z.enum(['added', 'already-member', 'removed', 'not-member', 'refused']),
  reason: z.string().optional(),
});

/** Due date of enrollments: a fixed date, or N days after the enrollment or after the person's hire date. */
export const DueRule = z
  .discriminatedUnion('from', [
    z.strictObject({ from: z.literal('fixed'), at: IsoDateTime }),
    z.strictObject({ from: z.literal('enrollment'), days: z.number().int().min(1).max(3650) }),
    z
      .strictObject({ from: z.literal('hireDate'), days: z.number().int().min(1).max(3650) })
      .describe('People without a hire date get N days from enrollment'),
  ])
  .meta({ id: 'DueRule' });
export type DueRule = z.infer<typeof DueRule>;

export const LEAVE_POLICIES = ['withdraw', 'keep'] as const;

/** A cohort linked to a course: members are enrolled, joiners too, and leavers withdrawn or kept. */
export const CohortCourseLink = z
  .object({
    cohortId: Id,
    courseId: Id,
    onLeave: z.enum(LEAVE_POLICIES),
    due: DueRule.nullable(),
    createdAt: IsoDateTime,
    createdBy: z.string(),
  })
  .meta({ id: 'CohortCourseLink' });
export type CohortCourseLink = z.infer<typeof CohortCourseLink>;

export const LinkCohortCourseBody = z
  .strictObject({
    courseId: Id,
    onLeave: z
      .enum(LEAVE_POLICIES)
      .describe(
        'When someone leaves the cohort: withdraw them (unless another source keeps them) or keep them',
      ),
    due: DueRule.optional(),
  })
  .meta({ id: 'LinkCohortCourse' });

export const CohortEnrollmentResult = z
  .object({
    link: CohortCourseLink,
    enrolled: z.number().int(),
    alreadyEnrolled: z.number().int(),
    waitlisted: z.number().int(),
    refused: z.array(z.object({ userId: Id, reason: z.string() })),
  })
  .meta({ id: 'CohortEnrollmentResult' });
export type CohortEnrollmentResult = z.infer<typeof CohortEnrollmentResult>;

export const CohortIdParams = z.strictObject({ id: Id });
export const CohortMemberParams = z.strictObject({ id: Id, userId: Id });
export const CohortCourseParams = z.strictObject({ id: Id, courseId: Id });
export const ListCohortsQuery = z.strictObject({ limit: PageLimit, cursor: PageCursor.optional() });
