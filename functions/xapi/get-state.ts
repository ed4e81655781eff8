import { getXapiState as route } from '../../shared/routes/xapi.ts';
import { lrsPorts } from '../../shared/store/xapi-wiring.ts';
import { documentResult, lrsSession, xapiHandler } from '../../shared/xapi/http.ts';
import { getDocument, listDocumentIds } from '../../shared/xapi/lrs-documents.ts';

const ports = lrsPorts();

export const handler = xapiHandler(route, async ({ query, event }) => {
  const session = await lrsSession(ports, event);
  const target = {
    kind: 'state' as const,
    activityId: query.activityId,
    agent: query.agent,
    registration: query.registration,
  };
  if (query.stateId === undefined)
    return { body: await listDocumentIds(ports, session, target, query.since) };
  return documentResult(await getDocument(ports, session, target, query.stateId));
});
