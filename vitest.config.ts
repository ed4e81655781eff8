import { defineConfig } from 'vitest/config';
import { AWS_CALLS_FILE_ENV } from './shared/aws-calls.ts';
import { AWS_CALLS_FILE } from './test/support/aws-calls.ts';

// The global setups run handlers in this very process (the local gateway) and import modules that create
// the logger at load: quiet before any of them loads, unless LOG_LEVEL asks.
process.env.POWERTOOLS_LOG_LEVEL ??= process.env.LOG_LEVEL ?? 'SILENT';

/** Unit and integration tests record the AWS calls each function makes; the infra grant test reads them. */
const recordAwsCalls = {
  env: { [AWS_CALLS_FILE_ENV]: AWS_CALLS_FILE },
  globalSetup: ['test/aws-calls-setup.ts'],
  setupFiles: ['test/aws-calls-test-file.ts'],
};

/**
 * Three projects, one after another (`sequence.groupOrder`): unit (no network), integration + e2e (against
 * the real local emulators, started once by globalSetup on free ports), then infra (CDK synth, assertions,
 * cdk-nag, and the grant test, which reads the calls the first two recorded).
 */
export default defineConfig({
  test: {
    // Handlers log structured JSON; tests keep quiet unless LOG_LEVEL asks (e.g. LOG_LEVEL=INFO npm test).
    env: {
      POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL ?? 'SILENT',
      // As locally: no CloudWatch to read business metrics (test/unit/business-metrics turns them on).
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          ...recordAwsCalls,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          env: recordAwsCalls.env,
          globalSetup: [...recordAwsCalls.globalSetup, 'test/global-setup.ts'],
          setupFiles: [...recordAwsCalls.setupFiles, 'test/setup-env.ts'],
          testTimeout: 60_000,
          // One shared local stack: files run one after another so a file that checks "nothing changed" is
          // not disturbed by another file's writes.
          fileParallelism: false,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
