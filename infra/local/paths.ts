/**
 * Where the local stack keeps things on disk. `.local/` is ignored by git, biome and tsc.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
