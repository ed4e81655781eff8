/**
 * vitest globalSetup of the unit and integration projects: starts a fresh record of AWS calls for this run
 * (shared/aws-calls.ts records them, test/infra/grants.test.ts checks them against the IAM policies). The
 * handlers the local stack runs in this process record through this process's environment; test workers
 * get the same variable from vitest.config.ts.
 */
import { rmSync } from 'node:fs';
import { AWS_CALLS_FILE_ENV } from '../shared/aws-calls.ts';
import { AWS_CALLS_FILE } from './support/aws-calls.ts';

export default function setup(): void {
  rmSync(AWS_CALLS_FILE, { force: true });
  process.env[AWS_CALLS_FILE_ENV] = AWS_CALLS_FILE;
}
