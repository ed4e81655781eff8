import { httpHandler } from '../../shared/http/handler.ts';
import { updateDataLifecycleSettings as route } from '../../shared/routes/data-lifecycle.ts';
import { settingsPorts } from '../../shared/store/erasure-wiring.ts';
import { updateDataLifecycleSettings } from '../../shared/use-cases/retention.ts';

const ports = settingsPorts();

export const handler = httpHandler(route, async ({ body, ifMatch, principal, requestId }) => {
  const settings = await updateDataLifecycleSettings(ports, { principal, requestId }, ifMatch, body);
  return { body: settings, version: settings.version };
});
