/**
 * The LRS routes' request and response schemas: xAPI's query parameters (agents as JSON, IRIs, UUIDs,
 * timestamps, booleans as text), checked before anything runs, each refusal naming its parameter.
 */
import * as z from 'zod';
import { PageCursor } from '../domain/common.ts';
import { type Agent, agentErrors } from './statement.ts';

/** Statements in one request, and the size of one statement (JSON text). */
export const MAX_STATEMENTS_PER_BATCH = 50;
export const MAX_STATEMENT_BYTES = 64 * 1024;
/** The largest statements body (a batch of 50 statements of 20 KB; API Gateway would take 10 MB). */
export const MAX_STATEMENTS_BODY_BYTES = 1024 * 1024;
/** The most statements one page holds (`limit` 0 or absent asks for it). */
export const MAX_STATEMENTS_PAGE = 100;
/**
 * A document's largest content: it stays in its DynamoDB item (400 KB) with room for the other attributes,
 * rather than spilling to S3 (413 above).
 */
export const MAX_DOCUMENT_BYTES = 350 * 1024;

/** An IRI: a scheme, then anything without spaces. */
const Iri = z
  .string()
  .min(1)
  .max(2000)
  .regex(/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/, 'must be an IRI (scheme:...)');

/** UUIDs as xAPI writes them (any version). */
const Uuid = z.guid();

/** An Agent as a JSON query parameter (xAPI §7.2.3 `agent`). */
const AgentParam = z
  .string()
  .max(4000)
  .transform((text, context): Agent => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      context.addIssue({ code: 'custom', message: 'must be an Agent as JSON' });
      return z.NEVER;
    }
    for (const error of agentErrors(parsed, 'agent'))
      context.addIssue({ code: 'custom', message: `${error.path}: ${error.message}` });
    return parsed as Agent;
  });

/** A timestamp, normalised to the `stored` format (UTC, milliseconds) so that it compares as text. */
const Timestamp = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .describe('ISO 8601 timestamp');

const Flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** A document id: the key of its item, so at most 1,000 bytes. */
const DocumentId = z
  .string()
  .min(1)
  .refine((id) => Buffer.byteLength(id) <= 1000, 'at most 1000 bytes');

/** The parameters that may come with `statementId` or `voidedStatementId` (xAPI §7.2.4). */
const SINGLE_STATEMENT_PARAMETERS = ['statementId', 'voidedStatementId', 'format', 'attachments'];

export const StatementsQuery = z
  .strictObject({
    statementId: Uuid.optional(),
    voidedStatementId: Uuid.optional(),
    agent: AgentParam.optional().describe('Agent as JSON: must be the launch’s actor'),
    verb: Iri.optional(),
    activity: Iri.optional(),
    registration: Uuid.optional(),
    related_activities: Flag.optional(),
    related_agents: Flag.optional(),
    since: Timestamp.optional().describe('Statements stored after it'),
    until: Timestamp.optional().describe('Statements stored at or before it'),
    limit: z.coerce
      .number()
      .int()
      .min(0)
      .optional()
      .describe(`0 or absent: the most the LRS allows (${MAX_STATEMENTS_PAGE})`),
    format: z.enum(['ids', 'exact', 'canonical']).optional(),
    attachments: Flag.optional(),
    ascending: Flag.optional(),
    cursor: PageCursor.optional().describe('From the previous page’s `more` link'),
  })
  .superRefine((query, context) => {
    if (query.statementId === undefined && query.voidedStatementId === undefined) return;
    for (const name of Object.keys(query))
      if (!SINGLE_STATEMENT_PARAMETERS.includes(name))
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'not with statementId or voidedStatementId',
        });
    if (query.statementId !== undefined && query.voidedStatementId !== undefined)
      context.addIssue({
        code: 'custom',
        path: ['voidedStatementId'],
        message: 'give statementId or voidedStatementId',
      });
  });

export const PutStatementQuery = z.strictObject({ statementId: Uuid });

/** A statement, or an array of them: checked by the LRS itself, so each refusal names the property. */
export const StatementsBody = z
  .unknown()
  .describe('An xAPI Statement, or an array of 1 to 50 Statements (each at most 64 KB)')
  .meta({ id: 'XapiStatements' });

export const XapiStatement = z.record(z.string(), z.unknown()).meta({ id: 'XapiStatement' });
export const StatementResult = z
  .object({
    statements: z.array(XapiStatement),
    more: z.string().describe('Relative URL of the next page; empty on the last'),
  })
  .meta({ id: 'XapiStatementResult' });

/** A document body: any content type, sent back as received (JSON objects merge on POST). */
export const DocumentBody = z
  .string()
  .describe('The document, in any content type')
  .meta({ id: 'XapiDocument' });

const stateScope = { activityId: Iri, agent: AgentParam, registration: Uuid.optional() };
export const StateQuery = z.strictObject({
  ...stateScope,
  stateId: DocumentId.optional(),
  since: Timestamp.optional(),
});
export const StateWriteQuery = z.strictObject({ ...stateScope, stateId: DocumentId });
export const StateDeleteQuery = z.strictObject({ ...stateScope, stateId: DocumentId.optional() });

export const ActivityProfileQuery = z.strictObject({
  activityId: Iri,
  profileId: DocumentId.optional(),
  since: Timestamp.optional(),
});
export const ActivityProfileWriteQuery = z.strictObject({ activityId: Iri, profileId: DocumentId });

export const AgentProfileQuery = z.strictObject({
  agent: AgentParam,
  profileId: DocumentId.optional(),
  since: Timestamp.optional(),
});
export const AgentProfileWriteQuery = z.strictObject({ agent: AgentParam, profileId: DocumentId });

export const FetchQuery = z.strictObject({
  k: z.string().min(1).max(200).describe('The one-time key of the launch URL’s fetch parameter'),
});
export const AttemptParams = z.strictObject({ id: Uuid });

export const FetchAnswer = z
  .union([
    z.object({ 'auth-token': z.string() }),
    z.object({ 'error-code': z.enum(['1', '2']), 'error-text': z.string() }),
  ])
  .meta({ id: 'Cmi5FetchAnswer' });

export const About = z
  .object({ version: z.array(z.string()), extensions: z.record(z.string(), z.unknown()) })
  .meta({ id: 'XapiAbout' });
