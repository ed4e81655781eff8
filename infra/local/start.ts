/**
 * `npm start`: the product on one machine. Starts the local stack with data in `.local/`, writes
 * `.local/stack.json` (what `npm run token` needs), prints how to use it, and runs until Ctrl+C.
 */

import { rmSync, writeFileSync } from 'node:fs';
import { ENV } from '../../shared/config.ts';
import { LOCAL_DATA_DIR, STACK_FILE } from './paths.ts';
import { DEMO_PASSWORD, DEMO_SIGN_INS } from './seed.ts';
import { startLocalStack } from './stack.ts';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535); got ${process.env.PORT}.`);
  process.exit(1);
}
const verbose = process.env.LMS_VERBOSE === '1';
const started = performance.now();
console.log('Starting the local stack (DynamoDB Local, S3 emulator, cognito-local, API gateway)...');

const stack = await startLocalStack({
  dataDir: LOCAL_DATA_DIR,
  port,
  seed: true,
  schedules: true,
  log: (line) => {
    if (verbose || !line.startsWith('[')) console.log(line);
  },
}).catch((error: Error) => {
  console.error(`\n✗ The local stack did not start: ${error.message}`);
  if (/EADDRINUSE/.test(error.message)) console.error(`  Port ${port} is taken: set PORT to another one.`);
  process.exit(1);
});

writeFileSync(
  STACK_FILE,
  JSON.stringify(
    {
      pid: process.pid,
      url: stack.url,
      contentUrl: stack.contentUrl,
      endpoints: stack.endpoints,
      resources: stack.resources,
      env: stack.env,
    },
    null,
    2,
  ),
);

console.log(`
LMS admin API on ${stack.url}   (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)

  curl ${stack.url}/health
  curl ${stack.url}/openapi.json
  TOKEN=$(npm run --silent token -- admin@example.com | tail -1)
  curl -H "Authorization: Bearer $TOKEN" ${stack.url}/users

Machine clients (POST /api-clients) get client-credentials tokens at ${stack.env[ENV.oauthTokenUrl]}
Course content is served on its own origin, as the CDN serves it: ${stack.contentUrl}/<courseId>/v<n>/<path>

Demo sign-ins (password ${DEMO_PASSWORD}):
${DEMO_SIGN_INS.map((signIn) => `  ${signIn.email.padEnd(24)} ${signIn.note}`).join('\n')}

Data lives in .local/ (npm run reset wipes it). Ctrl+C stops.`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  await stack.stop();
  rmSync(STACK_FILE, { force: true });
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
