/**
 * The export run reports read: the newest succeeded analytics export, as its manifest describes it (its
 * files, their sizes, when its scan began). Reports never read a run whose manifest was not written.
 */
import { ExportManifest } from '../analytics/export-run.ts';
import { ANALYTICS_ENTITY_NAMES, type AnalyticsEntityName } from '../analytics/schemas.ts';
import type { JobRepository } from '../use-cases/ports.ts';
import type { ExportSnapshot } from './engine.ts';

export interface SnapshotDeps {
  readonly jobs: Pick<JobRepository, 'list'>;
  /** Reads a JSON object of the analytics bucket (the manifest). */
  readonly readJson: (key: string) => Promise<unknown>;
}

/** The newest succeeded export run's manifest, or null when no export has succeeded yet. */
export async function latestManifest(deps: SnapshotDeps): Promise<ExportManifest | null> {
  const runs = await deps.jobs.list({ type: 'export', status: 'succeeded' }, { limit: 5 });
  const key = runs.items.find((run) => run.outputs.manifest)?.outputs.manifest;
  return key ? ExportManifest.parse(await deps.readJson(key)) : null;
}

/** The newest succeeded export run's snapshot, or null when no export has succeeded yet. */
export async function latestSnapshot(deps: SnapshotDeps): Promise<ExportSnapshot | null> {
  const manifest = await latestManifest(deps);
  return manifest ? snapshotOf(manifest) : null;
}

export function snapshotOf(manifest: ExportManifest): ExportSnapshot {
  const files: Partial<Record<AnalyticsEntityName, { key: string; bytes: number }>> = {};
  for (const name of ANALYTICS_ENTITY_NAMES) {
    const file = manifest.files[name];
    if (file) files[name] = { key: file.key, bytes: file.bytes };
  }
  return { runId: manifest.runId, dt: manifest.dt, exportedAt: manifest.exportedAt, files };
}
