/**
 * The import steps' own ports in memory, for unit tests of apply and undo: the import's record (saved only
 * at the version the step read, as the table's condition), its plan (one part), and its change log with
 * the changes that wait. The record kinds' ports (people, enrollments...) are each test's own.
 */
import type {
  Change,
  ChangeLog,
  ImportFiles,
  ImportRecord,
  ImportRepository,
  StoredPlanEntry,
  WaitingChange,
} from '../../shared/use-cases/imports/ports.ts';

export function importSteps(initial: ImportRecord, entries: readonly StoredPlanEntry[]) {
  let record = initial;
  const log = new Map<number, Change>();
  const waiting = new Map<number, WaitingChange>();
  const imports: ImportRepository = {
    create: async () => undefined,
    list: async () => ({ items: [], nextCursor: null }),
    get: async () => record,
    save: async (next, expected) => {
      if (record.version !== expected) throw new Error('stale import');
      record = next;
    },
  };
  const files: Pick<ImportFiles, 'planPart'> = {
    planPart: async (_id, _stream, part) => (part === 0 ? [...entries] : []),
  };
  const changeLog: ChangeLog = {
    log: async (_id, changes) => {
      for (const change of changes) log.set(change.seq, change);
    },
    unlog: async (_id, seqs) => {
      for (const seq of seqs) log.delete(seq);
    },
    changes: async (_id, before, limit) =>
      [...log.values()]
        .filter((change) => change.seq < before)
        .sort((a, b) => b.seq - a.seq)
        .slice(0, limit),
    wait: async (_id, changes) => {
      for (const change of changes) waiting.set(change.change.seq, change);
    },
    waiting: async (_id, after, limit) =>
      [...waiting.values()]
        .filter(({ change }) => change.seq > after)
        .sort((a, b) => a.change.seq - b.change.seq)
        .slice(0, limit),
    unwait: async (_id, seqs) => {
      for (const seq of seqs) waiting.delete(seq);
    },
  };
  /** The applied import, asked to undo (as POST undo leaves it). */
  const toUndo = () =>
    imports.save(
      { ...record, status: 'undoing', checkpoint: 0, lease: null, version: record.version + 1 },
      record.version,
    );
  return { imports, files, changeLog, log, waiting, record: () => record, toUndo };
}
