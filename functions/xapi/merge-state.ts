import { mergeXapiState as route } from '../../shared/routes/xapi.ts';
import { lrsPorts } from '../../shared/store/xapi-wiring.ts';
import { contentTypeOf, lrsSession, writeConditions, xapiHandler } from '../../shared/xapi/http.ts';
import { writeDocument } from '../../shared/xapi/lrs-documents.ts';

const ports = lrsPorts();

export const handler = xapiHandler(route, async ({ query, body, event }) => {
  const session = await lrsSession(ports, event);
  const target = {
    kind: 'state' as const,
    activityId: query.activityId,
    agent: query.agent,
    registration: query.registration,
  };
  await writeDocument(ports, session, target, query.stateId, {
    content: body,
    contentType: contentTypeOf(event),
    merge: true,
    ...writeConditions(event),
  });
  return { status: 204 };
});
