/**
 * Child process of `import.rss.ratio` (import.bench.ts): runs the plan step (runPlan, as the plan-import
 * function does) on one uploaded import, with the local stack's environment, and prints one JSON line: the
 * import's status and rows, the time, and the peak RSS (`process.resourceUsage().maxRSS`, KiB on Linux)
 * after loading the modules and at the end, with the highest RSS sampled every 50 ms in each pass.
 *
 * import.bench.ts bundles it as CDK bundles the Lambda and runs: node <bundle> <import id>
 */
import { importPorts } from '../../shared/store/import-wiring.ts';
import { runPlan } from '../../shared/use-cases/imports/plan.ts';

const [importId] = process.argv.slice(2);
if (!importId) throw new Error('usage: import-rss-child.ts <import id>');

const deps = importPorts();
const importMaxRssKiB = process.resourceUsage().maxRSS;
// The second pass is the one that writes the plan: its first part marks the end of the first pass.
let pass = 'first pass';
const planWriter = deps.files.planWriter.bind(deps.files);
deps.files.planWriter = (id: string) => {
  const writer = planWriter(id);
  return {
    add: (entry) => {
      pass = 'second pass';
      return writer.add(entry);
    },
    close: () => writer.close(),
  };
};
const peakRssMbByPass: Record<string, number> = {};
const sample = () => {
  const rss = process.memoryUsage.rss() / (1024 * 1024);
  peakRssMbByPass[pass] = Math.max(peakRssMbByPass[pass] ?? 0, rss);
};
const sampler = setInterval(sample, 50);

const started = performance.now();
const planned = await runPlan(deps, importId, `bench-rss-${importId}`);
const ms = performance.now() - started;
sample();
clearInterval(sampler);

process.stdout.write(
  `${JSON.stringify({
    status: planned?.status,
    rows: planned?.rows,
    failure: planned?.failure,
    ms,
    importMaxRssKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
    peakRssMbByPass,
  })}\n`,
);
