import { httpHandler } from '../../shared/http/handler.ts';
import { headerOf } from '../../shared/http/request-context.ts';
import { recordAttemptEvent as route } from '../../shared/routes/runtime.ts';
import { runtimePorts } from '../../shared/store/runtime-wiring.ts';
import { recordRuntimeEvent } from '../../shared/use-cases/runtime.ts';

const ports = runtimePorts();

export const handler = httpHandler(route, async ({ params, body, event }) => {
  await recordRuntimeEvent(ports, params.id, headerOf(event, 'authorization'), body);
  return {};
});
