/**
 * Child process of `package.peak-rss.mb` (package.bench.ts): runs processUploadedPackage on one upload, with
 * the local stack's environment, and prints one JSON line: the job's outcome, the time, the peak RSS
 * (`process.resourceUsage().maxRSS`, KiB on Linux) after loading the modules and at the end, and the highest
 * RSS sampled (every 50 ms) during each step of the job, to show where the memory goes.
 *
 * package.bench.ts bundles it as CDK bundles the Lambda and runs: node <bundle> <upload key> <size in bytes>
 */
import type { Job } from '../../shared/domain/job.ts';
import { catalogPorts } from '../../shared/store/catalog-wiring.ts';
import { processUploadedPackage } from '../../shared/use-cases/package-import.ts';

const [key, sizeText] = process.argv.slice(2);
if (!key || !sizeText) throw new Error('usage: package-rss-child.ts <upload key> <size in bytes>');

const deps = catalogPorts();
const importMaxRssKiB = process.resourceUsage().maxRSS;

// Follow the job's progress (every step is saved) to attribute sampled RSS to a step.
let step = 'start';
const save = deps.jobs.save.bind(deps.jobs);
deps.jobs.save = (job: Job, expectedVersion: number) => {
  step = job.status === 'running' ? job.progress.step : job.status;
  return save(job, expectedVersion);
};
const peakRssMbByStep: Record<string, number> = {};
const sample = () => {
  const rss = process.memoryUsage.rss() / (1024 * 1024);
  peakRssMbByStep[step] = Math.max(peakRssMbByStep[step] ?? 0, rss);
};
const sampler = setInterval(sample, 50);

const started = performance.now();
const job = await processUploadedPackage(deps, { key, size: Number(sizeText) });
const ms = performance.now() - started;
sample();
clearInterval(sampler);

process.stdout.write(
  `${JSON.stringify({
    status: job?.status,
    failure: job?.failure,
    ms,
    importMaxRssKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
    peakRssMbByStep,
  })}\n`,
);
