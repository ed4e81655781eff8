import { getStatements as route } from '../../shared/routes/xapi.ts';
import { lrsPorts } from '../../shared/store/xapi-wiring.ts';
import { lrsSession, moreLink, xapiHandler } from '../../shared/xapi/http.ts';
import { getStatement, listStatements } from '../../shared/xapi/lrs-statements.ts';
import { MAX_STATEMENTS_PAGE } from '../../shared/xapi/schemas.ts';
import { idsFormat, type Statement } from '../../shared/xapi/statement.ts';

const ports = lrsPorts();

export const handler = xapiHandler(route, async ({ query, event }) => {
  const session = await lrsSession(ports, event);
  const headers = { 'x-experience-api-consistent-through': new Date().toISOString() };
  const format = (statement: Statement) => (query.format === 'ids' ? idsFormat(statement) : statement);
  const id = query.statementId ?? query.voidedStatementId;
  if (id !== undefined) {
    const statement = await getStatement(ports, session, id, query.voidedStatementId !== undefined);
    return { body: format(statement), headers };
  }
  const page = await listStatements(ports, session, {
    agent: query.agent,
    verb: query.verb,
    activity: query.activity,
    relatedActivities: query.related_activities ?? false,
    registration: query.registration,
    since: query.since,
    until: query.until,
    ascending: query.ascending ?? false,
    limit: query.limit && query.limit < MAX_STATEMENTS_PAGE ? query.limit : MAX_STATEMENTS_PAGE,
    cursor: query.cursor,
  });
  return {
    body: {
      statements: page.items.map((stored) => format(stored.statement)),
      more: page.nextCursor ? moreLink(event, page.nextCursor) : '',
    },
    headers,
  };
});
