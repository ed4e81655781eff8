import { httpHandler } from '../../shared/http/handler.ts';
import { headerOf } from '../../shared/http/request-context.ts';
import { commitAttemptCmi as route } from '../../shared/routes/runtime.ts';
import { runtimePorts } from '../../shared/store/runtime-wiring.ts';
import { commitCmi } from '../../shared/use-cases/runtime.ts';

const ports = runtimePorts();

export const handler = httpHandler(route, async ({ params, body, event, requestId }) => ({
  body: await commitCmi(ports, params.id, headerOf(event, 'authorization'), body, requestId),
}));
