import { defineConfig } from 'vitest/config';

/**
 * Three projects: unit (no network), integration + e2e (against the real local emulators, started once by
 * globalSetup on free ports), infra (CDK synth, assertions, cdk-nag).
 */
export default defineConfig({
  test: {
    // Handlers log structured JSON; tests keep quiet unless LOG_LEVEL asks (e.g. LOG_LEVEL=INFO npm test).
    env: {
      POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL ?? 'SILENT',
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-env.ts'],
          testTimeout: 60_000,
          // One shared local stack: files run one after another so a file that checks "nothing changed" is
          // not disturbed by another file's writes.
          fileParallelism: false,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
