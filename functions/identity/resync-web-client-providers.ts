import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { resyncWebClientProviders as job } from '../../shared/jobs/manifest.ts';
import { countingFailures } from '../../shared/metrics.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import { resyncWebClientProviders } from '../../shared/use-cases/identity-providers.ts';

const ports = identityProviderPorts();

/**
 * EventBridge: the schedule, and in AWS a completed deploy of LmsAuth (CloudFormation's "CloudFormation Stack
 * Status Change"), after which the web client lists Cognito alone. Lists the synced providers on it again.
 */
const resync = async (event: Partial<EventBridgeEvent<string, unknown>> = {}) => {
  const result = await resyncWebClientProviders(ports);
  // `message` is a key the logger reserves: it is the log line itself here.
  const { message, ...outcome } = result;
  const details = { cause: event['detail-type'] ?? 'run now', ...outcome };
  if (result.missing.length > 0) logger.warn(message, details);
  else logger.info(message, details);
  return result;
};

export const handler = countingFailures(job.name, resync);
