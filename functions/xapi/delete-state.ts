import { deleteXapiState as route } from '../../shared/routes/xapi.ts';
import { lrsPorts } from '../../shared/store/xapi-wiring.ts';
import { lrsSession, writeConditions, xapiHandler } from '../../shared/xapi/http.ts';
import { deleteDocuments } from '../../shared/xapi/lrs-documents.ts';

const ports = lrsPorts();

export const handler = xapiHandler(route, async ({ query, event }) => {
  const session = await lrsSession(ports, event);
  const target = {
    kind: 'state' as const,
    activityId: query.activityId,
    agent: query.agent,
    registration: query.registration,
  };
  await deleteDocuments(ports, session, target, query.stateId, writeConditions(event).ifMatch);
  return { status: 204 };
});
