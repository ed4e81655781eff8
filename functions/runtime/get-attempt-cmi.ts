import { httpHandler } from '../../shared/http/handler.ts';
import { headerOf } from '../../shared/http/request-context.ts';
import { getAttemptCmi as route } from '../../shared/routes/runtime.ts';
import { runtimePorts } from '../../shared/store/runtime-wiring.ts';
import { runtimeState } from '../../shared/use-cases/runtime.ts';

const ports = runtimePorts();

export const handler = httpHandler(route, async ({ params, event }) => ({
  body: await runtimeState(ports, params.id, headerOf(event, 'authorization')),
  headers: { 'cache-control': 'no-store' },
}));
