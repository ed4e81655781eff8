/**
 * `npm run bench`: every benchmark, each figure printed as
 *   bench <id> <value> <unit> target <op><number> <ok|MISS>
 * and the same figures written to docs/benchmarks.md. Every figure is a ratio against a baseline measured
 * in the same run (shared machines are noisy; absolute times are not comparable between runs).
 * `npm run bench -- <name>` runs one benchmark (get-user, bundle, package, cohort-enroll, import, backup,
 * scim-create-user, runtime-commit, export, report) and leaves the docs alone.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { startLocalStack } from '../../infra/local/stack.ts';
import { benchBackup } from './backup.bench.ts';
import { benchBundle } from './bundle.bench.ts';
import { benchCohortEnroll } from './cohort-enroll.bench.ts';
import { benchExport } from './export.bench.ts';
import { type Figure, formatFigure, formatTarget, passes, round } from './figures.ts';
import { benchGetUser } from './get-user.bench.ts';
import { benchImport } from './import.bench.ts';
import { benchPackage } from './package.bench.ts';
import { benchReport } from './report.bench.ts';
import { benchRuntimeCommit } from './runtime-commit.bench.ts';
import { benchScimCreateUser } from './scim-create-user.bench.ts';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const only = process.argv[2];
const figures: Figure[] = [];
// No event bus: in AWS the stream is read on other machines; here it would compete with what is measured.
const stack = await startLocalStack({ port: 0, seed: false, events: false });
try {
  const benches = {
    'get-user': benchGetUser,
    bundle: benchBundle,
    package: () => benchPackage(stack),
    'cohort-enroll': benchCohortEnroll,
    import: () => benchImport(stack),
    'scim-create-user': benchScimCreateUser,
    'runtime-commit': benchRuntimeCommit,
    export: benchExport,
    backup: benchBackup,
    report: benchReport,
  };
  if (only && !(only in benches))
    throw new Error(`No benchmark ${only}: one of ${Object.keys(benches).join(', ')}`);
  for (const [name, bench] of Object.entries(benches)) {
    if (only && name !== only) continue;
    for (const figure of await bench()) {
      console.log(formatFigure(figure));
      if (only) console.log(`  ${figure.note}`);
      figures.push(figure);
    }
  }
} finally {
  await stack.stop();
}

const rows = figures.map(
  (figure) =>
    `| \`${figure.id}\` | ${round(figure.value)} ${figure.unit} | ${figure.op}${formatTarget(figure)} | ${passes(figure) ? 'ok' : 'MISS'} | ${figure.note} |`,
);
if (!only)
  writeFileSync(
    join(PROJECT_ROOT, 'docs', 'benchmarks.md'),
    `# Benchmarks

Written by \`npm run bench\` (last run ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node},
${cpus().length} cores). Each figure is a ratio against a baseline measured in the same run, so it holds on a
noisy shared machine where absolute times do not.

| Figure | Value | Target | | What it compares |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

Printed lines: ${figures.map((figure) => `\`${formatFigure(figure)}\``).join(', ')}.
`,
  );
if (figures.some((figure) => !passes(figure))) process.exitCode = 1;
