import { badRequest } from '../../shared/http/problem.ts';
import { putStatement as route } from '../../shared/routes/xapi.ts';
import { lrsStatementPorts } from '../../shared/store/xapi-wiring.ts';
import { lrsSession, statementsOf, xapiHandler } from '../../shared/xapi/http.ts';
import { recordStatements } from '../../shared/xapi/lrs-statements.ts';

const ports = lrsStatementPorts();

export const handler = xapiHandler(route, async ({ body, query, event, xapiVersion }) => {
  const session = await lrsSession(ports, event);
  if (Array.isArray(body))
    throw badRequest('PUT takes one statement; POST takes a batch.', [
      { path: 'body', message: 'must be an object' },
    ]);
  await recordStatements(ports, session, statementsOf(body), { xapiVersion, statementId: query.statementId });
  return { status: 204 };
});
