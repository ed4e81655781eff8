import { getXapiAgentProfile as route } from '../../shared/routes/xapi.ts';
import { lrsPorts } from '../../shared/store/xapi-wiring.ts';
import { documentResult, lrsSession, xapiHandler } from '../../shared/xapi/http.ts';
import { getDocument, listDocumentIds } from '../../shared/xapi/lrs-documents.ts';

const ports = lrsPorts();

export const handler = xapiHandler(route, async ({ query, event }) => {
  const session = await lrsSession(ports, event);
  const target = { kind: 'agent-profile' as const, agent: query.agent };
  if (query.profileId === undefined)
    return { body: await listDocumentIds(ports, session, target, query.since) };
  return documentResult(await getDocument(ports, session, target, query.profileId));
});
