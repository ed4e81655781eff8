import { mergeXapiActivityProfile as route } from '../../shared/routes/xapi.ts';
import { lrsPorts } from '../../shared/store/xapi-wiring.ts';
import { contentTypeOf, lrsSession, writeConditions, xapiHandler } from '../../shared/xapi/http.ts';
import { writeDocument } from '../../shared/xapi/lrs-documents.ts';

const ports = lrsPorts();

export const handler = xapiHandler(route, async ({ query, body, event }) => {
  const session = await lrsSession(ports, event);
  const target = { kind: 'activity-profile' as const, activityId: query.activityId };
  await writeDocument(ports, session, target, query.profileId, {
    content: body,
    contentType: contentTypeOf(event),
    merge: true,
    ...writeConditions(event),
  });
  return { status: 204 };
});
