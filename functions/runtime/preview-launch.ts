import { httpHandler } from '../../shared/http/handler.ts';
import { apiBaseUrl } from '../../shared/http/request-context.ts';
import { previewLaunch as route } from '../../shared/routes/runtime.ts';
import { runtimePorts } from '../../shared/store/runtime-wiring.ts';
import { launchCourse } from '../../shared/use-cases/runtime.ts';

const ports = runtimePorts({ contentDelivery: true });

export const handler = httpHandler(route, async ({ params, body, principal, requestId, event }) => ({
  body: await launchCourse(ports, { principal, requestId }, params.id, {
    scoId: body.scoId,
    previewOf: params.userId,
    apiBaseUrl: apiBaseUrl(event),
  }),
}));
