/**
 * `npm run bench`: every benchmark, each figure printed as
 *   bench <id> <value> <unit> target <op><number> <ok|MISS>
 * and the same figures written to docs/benchmarks.md. Every figure is a ratio against a baseline measured
 * in the same run (shared machines are noisy; absolute times are not comparable between runs).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';
import { startLocalStack } from '../../infra/local/stack.ts';
import { benchBundle } from './bundle.bench.ts';
import { type Figure, formatFigure, passes, round } from './figures.ts';
import { benchGetUser } from './get-user.bench.ts';
import { benchPackage } from './package.bench.ts';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const figures: Figure[] = [];
const stack = await startLocalStack({ port: 0, seed: false });
try {
  for (const bench of [benchGetUser, benchBundle, () => benchPackage(stack)]) {
    for (const figure of await bench()) {
      console.log(formatFigure(figure));
      figures.push(figure);
    }
  }
} finally {
  await stack.stop();
}

const rows = figures.map(
  (figure) =>
    `| \`${figure.id}\` | ${round(figure.value)} ${figure.unit} | ${figure.op}${figure.target} | ${passes(figure) ? 'ok' : 'MISS'} | ${figure.note} |`,
);
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
