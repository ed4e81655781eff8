import { httpHandler } from '../../shared/http/handler.ts';
import { getDataLifecycleSettings as route } from '../../shared/routes/data-lifecycle.ts';
import { settingsPorts } from '../../shared/store/erasure-wiring.ts';
import { dataLifecycleSettings } from '../../shared/use-cases/retention.ts';

const ports = settingsPorts();

export const handler = httpHandler(route, async () => {
  const settings = await dataLifecycleSettings(ports);
  return { body: settings, version: settings.version };
});
