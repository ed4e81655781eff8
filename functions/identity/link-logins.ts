import type { EventBridgeEvent } from 'aws-lambda';
import { systemActor } from '../../shared/domain/principal.ts';
import { logger } from '../../shared/http/logger.ts';
import { linkLogins as job } from '../../shared/jobs/manifest.ts';
import { countingFailures } from '../../shared/metrics.ts';
import { linkLoginsPorts } from '../../shared/store/identity-wiring.ts';
import { linkLogins } from '../../shared/use-cases/login-links.ts';

const ports = linkLoginsPorts();

/**
 * EventBridge: daily, and in AWS after each deploy of LmsAuth. Links existing logins to their profiles by
 * verified email (the migration to identity by `sub`; a no-op for logins already linked) and makes the
 * admin seats match the `admin` group.
 */
const link = async (event: Partial<EventBridgeEvent<string, unknown>> = {}) => {
  const at = event.time ?? new Date().toISOString();
  const result = await linkLogins(ports, systemActor(`job:${job.name}`, event.id ?? `${job.name}:${at}`));
  logger.info('logins linked', { cause: event['detail-type'] ?? 'run now', ...result });
  return result;
};

export const handler = countingFailures(job.name, link);
