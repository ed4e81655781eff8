import { httpHandler } from '../../shared/http/handler.ts';
import { scimBaseUrl } from '../../shared/http/scim-response.ts';
import { listScimGroups as route } from '../../shared/routes/scim.ts';
import { scimGroup } from '../../shared/scim/groups.ts';
import { scimListResponse } from '../../shared/scim/list.ts';
import { carriesAttribute, projectScimResource } from '../../shared/scim/projection.ts';
import { GROUP_RESOURCE_TYPE } from '../../shared/scim/schema.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { findScimGroups } from '../../shared/use-cases/scim-groups.ts';

const ports = cohortPorts();

export const handler = httpHandler(route, async ({ query, event }) => {
  const withMembers = carriesAttribute(GROUP_RESOURCE_TYPE, query, 'members');
  const { total, groups } = await findScimGroups(ports, query.filter, query, withMembers);
  const base = scimBaseUrl(event);
  const resources = groups.map(({ cohort, memberIds }) =>
    projectScimResource(scimGroup(cohort, memberIds, base), GROUP_RESOURCE_TYPE, query),
  );
  return { body: scimListResponse(resources, total, query.startIndex) };
});
