import { storeStatements as route } from '../../shared/routes/xapi.ts';
import { lrsStatementPorts } from '../../shared/store/xapi-wiring.ts';
import { lrsSession, statementsOf, xapiHandler } from '../../shared/xapi/http.ts';
import { recordStatements } from '../../shared/xapi/lrs-statements.ts';

const ports = lrsStatementPorts();

export const handler = xapiHandler(route, async ({ body, event, xapiVersion }) => {
  const session = await lrsSession(ports, event);
  return { body: await recordStatements(ports, session, statementsOf(body), { xapiVersion }) };
});
