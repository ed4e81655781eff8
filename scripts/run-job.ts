/**
 * `npm run job -- <name>`: runs one scheduled job of the job manifest now, against the running local stack
 * (`npm start` in another terminal), and prints its result.
 */
import { existsSync, readFileSync } from 'node:fs';
import { handlerLoader, PROJECT_ROOT, STACK_FILE } from '../infra/local/paths.ts';
import { jobs } from '../shared/jobs/manifest.ts';

const name = process.argv[2];
const scheduled = jobs.filter((job) => job.trigger.kind === 'schedule');
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
const handler = await handlerLoader<(event: { time: string }) => Promise<unknown>>(PROJECT_ROOT)(job.handler);
console.log(JSON.stringify(await handler({ time: new Date().toISOString() }), null, 2));
