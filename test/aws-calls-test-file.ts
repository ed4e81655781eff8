/**
 * vitest setupFile of the unit and integration projects: notes in the record of AWS calls that this test
 * file ran, so the grant test can tell a whole run's record from a partial one.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../infra/local/paths.ts';
import { AWS_CALLS_FILE } from './support/aws-calls.ts';

const testFile = expect.getState().testPath;
if (!testFile)
  throw new Error('vitest gave this setup file no test path: record which test file runs some other way.');
mkdirSync(dirname(AWS_CALLS_FILE), { recursive: true });
appendFileSync(AWS_CALLS_FILE, `${JSON.stringify({ testFile: relative(PROJECT_ROOT, testFile) })}\n`);
