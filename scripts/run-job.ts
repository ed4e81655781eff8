/**
 * `npm run job -- <name>`: runs one scheduled job of the job manifest now, against the running local stack
 * (`npm start` in another terminal), with the event its schedule sends, and prints its result. A job that
 * requests a run from a worker (the daily backup) returns the queued run: the script then follows it, one
 * `step done/total` line (on stderr) each time it moves, and prints the run once it ended. Exit code 1 when the
 * run failed (or was skipped, a run of that kind being under way), 2 for an unknown name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { followRun, scheduledEvent } from '../infra/local/jobs.ts';
import { handlerLoader, PROJECT_ROOT, STACK_FILE } from '../infra/local/paths.ts';
import { dynamoDb } from '../shared/clients.ts';
import { requireSetting } from '../shared/config.ts';
import { Job } from '../shared/domain/job.ts';
import { jobs, type ScheduledJob } from '../shared/jobs/manifest.ts';
import { DynamoJobRepository } from '../shared/store/content-store.ts';

const name = process.argv[2];
const scheduled = jobs.filter((job): job is ScheduledJob => job.trigger.kind === 'schedule');
const job = scheduled.find((candidate) => candidate.name === name);
if (!job) {
  console.error(
    `Usage: npm run job -- <name>, one of: ${scheduled.map((candidate) => candidate.name).join(', ')}`,
  );
  process.exit(2);
}
if (!existsSync(STACK_FILE)) {
  console.error('The local stack is not running: start it with `npm start` in another terminal.');
  process.exit(1);
}
const { env } = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as { env: Record<string, string> };
Object.assign(process.env, env);
const handler = await handlerLoader<(event: unknown) => Promise<unknown>>(PROJECT_ROOT)(job.handler);
const result = await handler(scheduledEvent(job, new Date()));
const run = Job.safeParse(result);
if (!run.success) {
  // A job whose runs are not recorded (its result), or a tick skipped while a run is under way.
  console.log(JSON.stringify(result, null, 2));
  if (isSkipped(result)) {
    console.error(`${job.name} skipped: run ${result.runningJobId} is under way.`);
    process.exitCode = 1;
  }
} else {
  try {
    const runs = new DynamoJobRepository(dynamoDb(), requireSetting('tableName'));
    const ended = await followRun(runs, run.data, { onProgress: (line) => console.error(line) });
    console.log(JSON.stringify(ended, null, 2));
    if (ended.status !== 'succeeded') process.exitCode = 1;
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}

function isSkipped(value: unknown): value is { skipped: string; runningJobId: string } {
  return typeof value === 'object' && value !== null && 'skipped' in value;
}
