/**
 * vitest globalSetup for the integration and e2e tests: starts the whole local stack once (emulators on free
 * ports with throwaway data, resources, the demo organisation, and the API gateway on a free port), hands
 * every test worker the environment a handler would see (`inject('localEnv')`, applied by
 * test/setup-env.ts), the gateway's URL (`inject('gatewayUrl')`) and the content server's
 * (`inject('contentUrl')`), and tears it all down afterwards.
 * Set LMS_LOCAL_VERBOSE=1 to see the emulators' and gateway's own output.
 */
import type { TestProject } from 'vitest/node';
import { SCIM_RATE_LIMIT_ENV, startLocalStack } from '../infra/local/stack.ts';
import type { RateLimit } from '../shared/scim/throttle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Environment of a handler process running against the local stack (see infra/local/resources.ts). */
    localEnv: Record<string, string>;
    /** Base URL of the local API gateway, e.g. http://localhost:41234 */
    gatewayUrl: string;
    /** Base URL of the local content server (its own origin, as CloudFront's in AWS) */
    contentUrl: string;
    /** The gateway's SCIM rate limit per caller (lowered for the tests: see below) */
    scimRateLimit: RateLimit;
  }
}

/**
 * The local gateway's SCIM requests per caller per minute in the tests: low enough for the throttling test to
 * reach in a moment, high enough for any SCIM test's own token (each test makes its own).
 */
const TEST_SCIM_RATE_LIMIT = '200';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const verbose = process.env.LMS_LOCAL_VERBOSE === '1';
  // The gateway runs the handlers in this process: keep their logs as quiet as the workers' (vitest.config.ts).
  process.env.POWERTOOLS_LOG_LEVEL = process.env.LOG_LEVEL ?? (verbose ? 'INFO' : 'SILENT');
  process.env[SCIM_RATE_LIMIT_ENV] ??= TEST_SCIM_RATE_LIMIT;
  const stack = await startLocalStack({
    port: 0,
    seed: true,
    log: verbose ? (line) => console.log(line) : undefined,
  });
  project.provide('localEnv', stack.env);
  project.provide('gatewayUrl', stack.url);
  project.provide('contentUrl', stack.contentUrl);
  project.provide('scimRateLimit', stack.scimRateLimit);
  return async () => {
    await stack.stop();
  };
}
