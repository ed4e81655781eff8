/**
 * The cohorts a people row adds its person to (Moodle's `cohort1`, `cohort2`... columns), planned after the
 * row's person and courses, a window of rows at a time, as Moodle's user upload does it:
 *   1. each cohort the rows name, once per import: the cohort with that external id (Moodle's idnumber),
 *      else the one with that name; none is created as Moodle creates it (a static cohort, the cell its
 *      name and external id), in an entry of its own before the first membership in it;
 *   2. the memberships the rows' people have in them now (one BatchGetItem);
 *   3. for each cohort of each row, a `create` entry of the membership (same file and line), unless the
 *      person is in it already; a rule cohort is refused (its members follow its rule), as Moodle refuses
 *      cohorts another component keeps.
 * A person the row creates joins as the person the plan makes; a row whose person is refused joins nothing.
 */
import { type Cohort, CohortExternalId, newCohort } from '../../domain/cohort.ts';
import { importMemberBy } from './apply-cohorts.ts';
import type { PlannedPerson } from './people-courses.ts';
import { errorEntry, unique } from './planning.ts';
import { type ImportRecord, membershipKey, type PlanDeps, type StoredPlanEntry } from './ports.ts';

/** The longest cohort name (CreateCohortBody). */
const MAX_NAME = 120;

/** Cohorts found or planned so far, by the cell that names them, or why the cell names none. */
export type CohortsSeen = Map<string, { cohort: Cohort; created: boolean } | { refused: string }>;

/** The entries of the cohorts of each row, by line, in the row's column order. */
export async function planRowCohorts(
  deps: PlanDeps,
  record: ImportRecord,
  rows: readonly PlannedPerson[],
  seen: CohortsSeen,
): Promise<Map<number, Omit<StoredPlanEntry, 'seq'>[]>> {
  const joining = rows.filter((row) => !!row.person.cohorts?.length);
  const entries = new Map<number, Omit<StoredPlanEntry, 'seq'>[]>();
  if (joining.length === 0) return entries;
  await findCohorts(
    deps,
    seen,
    joining.flatMap(({ person }) => (person.cohorts ?? []).map((cell) => cell.value)),
  );
  const cohortOf = (value: string) => {
    const found = seen.get(value);
    return found && 'cohort' in found ? found.cohort : undefined;
  };
  const members = await deps.cohortBulk.members(
    joining.flatMap(({ person, user }) =>
      (person.cohorts ?? []).flatMap((cell) => {
        const cohort = cohortOf(cell.value);
        return cohort ? [{ cohortId: cohort.id, userId: user.id }] : [];
      }),
    ),
  );
  const now = deps.runtime.now().toISOString();
  for (const { row, person, user, key } of joining) {
    const planned: Omit<StoredPlanEntry, 'seq'>[] = [];
    const named = new Map<string, string>();
    for (const cell of person.cohorts ?? []) {
      const refuse = (reason: string) =>
        planned.push(errorEntry(record.fileName, row.line, cell.column, reason, row.raw, 'membership'));
      const found = seen.get(cell.value);
      if (!found || 'refused' in found) {
        refuse(found?.refused ?? `no cohort ${cell.value}`);
        continue;
      }
      const { cohort } = found;
      const first = named.get(cohort.id);
      if (first) {
        refuse(`${cell.value} is ${first}'s cohort already: once per row`);
        continue;
      }
      named.set(cohort.id, cell.column);
      if (found.created) {
        // The cohort's own entry, once, before the first membership in it.
        seen.set(cell.value, { cohort, created: false });
        planned.push({
          file: record.fileName,
          line: row.line,
          action: 'create',
          target: { kind: 'cohort', id: cohort.id, key: cell.value },
          diffs: {
            name: { from: null, to: cohort.name },
            externalId: { from: null, to: cohort.externalId },
          },
          write: { op: 'cohort', before: null, after: cohort },
        });
      }
      if (members.has(membershipKey({ cohortId: cohort.id, userId: user.id }))) continue;
      const target = `${cell.value}/${key}`;
      planned.push({
        file: record.fileName,
        line: row.line,
        action: 'create',
        target: { kind: 'membership', id: cohort.id, key: target },
        diffs: { cohort: { from: null, to: cohort.name } },
        write: {
          op: 'membership',
          before: null,
          after: {
            cohortId: cohort.id,
            userId: user.id,
            via: 'static',
            addedAt: now,
            addedBy: importMemberBy(record.id),
          },
          key: target,
        },
      });
    }
    entries.set(row.line, planned);
  }
  return entries;
}

/** Looks up the cells not seen yet: by external id, then by name; plans a new cohort for each one left. */
async function findCohorts(deps: PlanDeps, seen: CohortsSeen, values: readonly string[]): Promise<void> {
  const fresh = unique(values).filter((value) => !seen.has(value));
  if (fresh.length === 0) return;
  const [byExternalId, byName] = await Promise.all([
    deps.cohortBulk.owners('externalId', fresh),
    deps.cohortBulk.owners('name', fresh),
  ]);
  const current = await deps.cohortBulk.current(unique([...byExternalId.values(), ...byName.values()]));
  const now = deps.runtime.now().toISOString();
  for (const value of fresh) {
    const existing = current.get(byExternalId.get(value) ?? byName.get(value.toLowerCase()) ?? '');
    if (existing) {
      seen.set(
        value,
        existing.kind === 'rule'
          ? { refused: `${existing.name} is a rule cohort: its members follow its rule, not a file` }
          : { cohort: existing, created: false },
      );
      continue;
    }
    const valid = CohortExternalId.safeParse(value);
    if (!valid.success || value.length > MAX_NAME) {
      seen.set(value, {
        refused: `no cohort ${value.slice(0, 40)}, and it cannot be made: a new cohort's name is at most ${MAX_NAME} characters, without control characters`,
      });
      continue;
    }
    seen.set(value, {
      cohort: newCohort(deps.runtime.newId(), now, { name: value, kind: 'static', externalId: value }),
      created: true,
    });
  }
}
