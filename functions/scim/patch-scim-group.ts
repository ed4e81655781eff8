import { httpHandler } from '../../shared/http/handler.ts';
import { patchScimGroup as route } from '../../shared/routes/scim.ts';
import { readScimPatchRequest } from '../../shared/scim/patch.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { patchScimGroup } from '../../shared/use-cases/scim-groups.ts';

const ports = cohortPorts();

// 204 without the group (RFC 7644 §3.5.2): Entra ID advises against a body listing every member.
export const handler = httpHandler(route, async ({ params, body, ifMatch, principal, requestId }) => {
  const cohort = await patchScimGroup(
    ports,
    { principal, requestId },
    params.id,
    ifMatch,
    readScimPatchRequest(body),
  );
  return { version: cohort.version };
});
