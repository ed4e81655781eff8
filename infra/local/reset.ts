/** `npm run reset`: wipes the local stack's data (`.local/`). Refuses while `npm start` is running. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, STACK_FILE as stackFile } from './paths.ts';

if (existsSync(stackFile)) {
  const { pid } = JSON.parse(readFileSync(stackFile, 'utf8')) as { pid: number };
  if (isRunning(pid)) {
    console.error(`The local stack is running (pid ${pid}): stop it (Ctrl+C) before resetting.`);
    process.exit(1);
  }
}
rmSync(join(PROJECT_ROOT, '.local'), { recursive: true, force: true });
console.log('Local data wiped: the next `npm start` creates and seeds everything afresh.');

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
