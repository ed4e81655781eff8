import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { getScimGroup as route } from '../../shared/routes/scim.ts';
import { scimGroup } from '../../shared/scim/groups.ts';
import { carriesAttribute, projectScimResource } from '../../shared/scim/projection.ts';
import { GROUP_RESOURCE_TYPE } from '../../shared/scim/schema.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { scimGroupById } from '../../shared/use-cases/scim-groups.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ params, query, event }) => {
  const withMembers = carriesAttribute(GROUP_RESOURCE_TYPE, query, 'members');
  const { cohort, memberIds } = await scimGroupById(ports, params.id, withMembers);
  return {
    body: projectScimResource(scimGroup(cohort, memberIds, scimBaseUrl(event)), GROUP_RESOURCE_TYPE, query),
    version: cohort.version,
  };
});
