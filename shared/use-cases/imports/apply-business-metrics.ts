/**
 * Business metrics in apply and undo. A figure is written only if it is still at the version the plan read
 * (a new one: none yet), with its audit record (`business-metric.created` or `.updated`). Undo puts each
 * figure back while it is as the import left it: the value it replaced, or, for one the import created,
 * no figure (`business-metric.removed`). A figure changed since (a later import) is refused and listed; once
 * that import is undone, this one may be too (figures are compared by content, not version).
 */
import type { AuditRecord } from '../../domain/audit.ts';
import { type BusinessMetric, businessMetricKey } from '../../domain/business-metric.ts';
import type { RowNote } from '../../domain/import.ts';
import type { Runtime } from '../ports.ts';
import { type ChangeKind, importAudit } from './changes.ts';
import type { BusinessMetricBulk, BusinessMetricChange } from './ports.ts';

export interface BusinessMetricChangeDeps {
  businessMetricBulk: BusinessMetricBulk;
  runtime: Runtime;
}

export function businessMetricChanges(deps: BusinessMetricChangeDeps): ChangeKind<BusinessMetricChange> {
  return {
    key: (change) => businessMetricKey(change.after),

    async written(changes) {
      const current = await deps.businessMetricBulk.current(changes.map((change) => change.after));
      return new Set(
        changes
          .filter((change) => same(current.get(businessMetricKey(change.after)), change.after))
          .map((change) => change.seq),
      );
    },

    write(changes, run) {
      return deps.businessMetricBulk.write(
        changes,
        changes.map((change) =>
          importAudit(deps.runtime, run, String(change.seq), {
            action: change.before ? 'business-metric.updated' : 'business-metric.created',
            target: `business-metric:${businessMetricKey(change.after)}`,
            before: change.before,
            after: change.after,
          }),
        ),
      );
    },

    async undo(changes, run) {
      const current = await deps.businessMetricBulk.current(changes.map((change) => change.after));
      const restores: { seq: number; before: BusinessMetric; after: BusinessMetric | null }[] = [];
      const audits: AuditRecord[] = [];
      const refused: RowNote[] = [];
      let restored = 0;
      for (const change of changes) {
        const key = businessMetricKey(change.after);
        const present = current.get(key);
        if (!present) {
          // One the import created, which an earlier run of this undo removed already.
          if (change.before === null) restored++;
          else refused.push({ line: change.line, key, reason: 'removed since the import' });
          continue;
        }
        // Put back already (an earlier run of this undo): a change always changes the figure's content.
        if (change.before && sameFigure(present, change.before)) {
          restored++;
          continue;
        }
        // Content, not versions: after a later import's undo the figure holds what this one wrote, newer.
        if (!sameFigure(present, change.after)) {
          refused.push({
            line: change.line,
            key,
            reason: `changed since the import (now at version ${present.version}): left as it is`,
          });
          continue;
        }
        const back = change.before ? { ...change.before, version: present.version + 1 } : null;
        restores.push({ seq: change.seq, before: present, after: back });
        audits.push(
          importAudit(deps.runtime, run, `undo.${change.seq}`, {
            action: back ? 'business-metric.updated' : 'business-metric.removed',
            target: `business-metric:${key}`,
            before: present,
            after: back ?? { removedBy: `import:${run.record.id}` },
          }),
        );
      }
      const failed = await deps.businessMetricBulk.restore(restores, audits);
      const lines = new Map(changes.map((change) => [change.seq, change.line]));
      for (const restore of restores) {
        const reason = failed.get(restore.seq);
        if (reason === undefined) restored++;
        else
          refused.push({
            line: lines.get(restore.seq) ?? 0,
            key: businessMetricKey(restore.before),
            reason,
          });
      }
      return { restored, refused };
    },
  };
}

/** The same record: every field, the version included. */
function same(present: BusinessMetric | undefined, written: BusinessMetric): boolean {
  return present !== undefined && present.version === written.version && sameFigure(present, written);
}

/** The same figure, whatever its version: what undo puts back is the figure as it was. */
function sameFigure(a: BusinessMetric, b: BusinessMetric): boolean {
  const { version: _a, ...restA } = a;
  const { version: _b, ...restB } = b;
  return (
    JSON.stringify(restA, Object.keys(restA).sort()) === JSON.stringify(restB, Object.keys(restB).sort())
  );
}
