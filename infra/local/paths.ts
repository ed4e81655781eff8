/**
 * Where the local stack keeps things on disk. `.local/` is ignored by git, biome and tsc.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runAsFunction } from '../../shared/aws-calls.ts';

/** The project root (the folder holding package.json). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Default persistent data folder of `npm start`: DynamoDB Local's file, the S3 emulator's objects, cognito-local's db. */
export const LOCAL_DATA_DIR = path.join(PROJECT_ROOT, '.local', 'data');

/** Layout of one emulator data folder (persistent or throwaway). */
export function emulatorDirs(dataDir: string): { dynamodb: string; s3: string; cognito: string } {
  return {
    dynamodb: path.join(dataDir, 'dynamodb'),
    s3: path.join(dataDir, 's3'),
    cognito: path.join(dataDir, 'cognito'),
  };
}

/** Written by `npm start` while it runs: pid, URL, endpoints and resource ids (read by `npm run token`). */
export const STACK_FILE = path.join(PROJECT_ROOT, '.local', 'stack.json');

/**
 * Loads a handler module's `handler` once (as Lambda does at cold start) and keeps it: the local gateway,
 * job runner, event bus and Lambda-invoke endpoint all run the project's handlers this way. Each invocation
 * runs as that function, so the AWS calls it makes are recorded under it in the tests (shared/aws-calls.ts).
 * @example const load = handlerLoader<Handler>(PROJECT_ROOT); const handler = await load('functions/users/get-user.ts');
 */
export function handlerLoader<H extends (...args: never[]) => unknown>(
  root: string,
): (module: string) => Promise<H> {
  const loaded = new Map<string, Promise<H>>();
  return (module) => {
    let handler = loaded.get(module);
    if (!handler) {
      handler = import(pathToFileURL(path.resolve(root, module)).href).then((m) => {
        const run = m.handler as H;
        return ((...args: Parameters<H>) => runAsFunction(module, () => run(...args))) as H;
      });
      loaded.set(module, handler);
    }
    return handler;
  };
}
