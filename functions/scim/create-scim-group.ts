import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { createScimGroup as route } from '../../shared/routes/scim.ts';
import { scimGroup } from '../../shared/scim/groups.ts';
import { projectScimResource } from '../../shared/scim/projection.ts';
import { GROUP_RESOURCE_TYPE } from '../../shared/scim/schema.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { provisionGroup } from '../../shared/use-cases/scim-groups.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ body, query, principal, requestId, event }) => {
  const { cohort, memberIds } = await provisionGroup(ports, { principal, requestId }, body);
  const base = scimBaseUrl(event);
  return {
    body: projectScimResource(scimGroup(cohort, memberIds, base), GROUP_RESOURCE_TYPE, query),
    version: cohort.version,
    headers: { location: `${base}/Groups/${cohort.id}` },
  };
});
