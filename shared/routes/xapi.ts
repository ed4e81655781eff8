/**
 * The LRS (xAPI 1.0.3 / 2.0) the cmi5 AUs and xAPI activities of launched courses talk to, and cmi5's fetch
 * URL. Public at the gateway (API Gateway runs no authorizer on them): the credential is the launch's
 * auth-token (`Authorization: Basic`), which the handlers check themselves; the fetch URL's one-time key is
 * its own credential. See docs/architecture.md, "LRS and cmi5".
 */
import * as z from 'zod';
import { defineRoute } from '../http/route.ts';
import {
  About,
  ActivityProfileQuery,
  ActivityProfileWriteQuery,
  AgentProfileQuery,
  AgentProfileWriteQuery,
  AttemptParams,
  DocumentBody,
  FetchAnswer,
  FetchQuery,
  MAX_DOCUMENT_BYTES,
  MAX_STATEMENTS_BODY_BYTES,
  PutStatementQuery,
  StateDeleteQuery,
  StatementResult,
  StatementsBody,
  StatementsQuery,
  StateQuery,
  StateWriteQuery,
  XapiStatement,
} from '../xapi/schemas.ts';

const TAG = 'xAPI';
/** Checked by the handler (a launch's auth-token), not by the gateway. */
const access = { public: true } as const;
/** Every LRS request counts against its session's rate (a conditional write), reads included. */
const needs = { table: 'write' } as const;

export const fetchAuthToken = defineRoute({
  id: 'fetchAuthToken',
  method: 'POST',
  path: '/attempts/{id}/auth-token',
  handler: 'functions/xapi/fetch-auth-token.ts',
  summary:
    "cmi5's fetch URL: the AU's auth-token, once (cmi5 §8.2); then, or for an unknown key, cmi5's error body (error-code 1 or 2), status 200 as the spec says",
  tag: TAG,
  access,
  request: { params: AttemptParams, query: FetchQuery },
  response: { status: 200, description: 'The auth-token, or the cmi5 error', body: FetchAnswer },
  needs,
});

export const getLrsAbout = defineRoute({
  id: 'getLrsAbout',
  method: 'GET',
  path: '/xapi/about',
  handler: 'functions/xapi/get-lrs-about.ts',
  summary: 'The xAPI versions this LRS speaks (no credential, no version header needed)',
  tag: TAG,
  access,
  request: {},
  response: { status: 200, description: 'Versions and extensions', body: About },
  needs: {},
});

export const storeStatements = defineRoute({
  id: 'storeStatements',
  method: 'POST',
  path: '/xapi/statements',
  handler: 'functions/xapi/store-statements.ts',
  summary:
    'Auth-token of a launch (Basic): Record a statement or a batch of up to 50 (all or none), under the cmi5 rules for cmi5 sessions; a retry of a stored statement is accepted, another statement with its id is a 409',
  tag: TAG,
  access,
  request: { body: StatementsBody },
  response: { status: 200, description: 'The ids of the statements, in order', body: z.array(z.string()) },
  needs,
  maxBodyBytes: MAX_STATEMENTS_BODY_BYTES,
});

export const putStatement = defineRoute({
  id: 'putStatement',
  method: 'PUT',
  path: '/xapi/statements',
  handler: 'functions/xapi/put-statement.ts',
  summary:
    'Auth-token of a launch (Basic): Record one statement under the id the query names (same rules as POST)',
  tag: TAG,
  access,
  request: { query: PutStatementQuery, body: StatementsBody },
  response: { status: 204, description: 'Recorded (or already recorded the same)' },
  needs,
  maxBodyBytes: MAX_STATEMENTS_BODY_BYTES,
});

export const getStatements = defineRoute({
  id: 'getStatements',
  method: 'GET',
  path: '/xapi/statements',
  handler: 'functions/xapi/get-statements.ts',
  summary:
    "Auth-token of a launch (Basic): The session's statements (its learner, its registration): one by statementId or voidedStatementId, or a page by stored time with filters and a `more` link",
  tag: TAG,
  access,
  request: { query: StatementsQuery },
  response: {
    status: 200,
    description: 'A StatementResult, or the one statement asked for',
    body: z.union([StatementResult, XapiStatement]),
  },
  needs,
});

export const getXapiState = defineRoute({
  id: 'getXapiState',
  method: 'GET',
  path: '/xapi/activities/state',
  handler: 'functions/xapi/get-state.ts',
  summary:
    "Auth-token of a launch (Basic): Read the learner's state for an activity (and registration) by stateId (with its ETag), or list the ids (since a time)",
  tag: TAG,
  access,
  request: { query: StateQuery },
  response: { status: 200, description: 'The document as stored, or a JSON array of ids' },
  needs,
});

export const putXapiState = defineRoute({
  id: 'putXapiState',
  method: 'PUT',
  path: '/xapi/activities/state',
  handler: 'functions/xapi/put-state.ts',
  summary:
    "Auth-token of a launch (Basic): Write the learner's state for an activity (and registration) whole (If-Match / If-None-Match honoured)",
  tag: TAG,
  access,
  request: { query: StateWriteQuery, body: DocumentBody },
  response: { status: 204, description: 'Stored' },
  needs,
  maxBodyBytes: MAX_DOCUMENT_BYTES,
  rawBody: true,
});

export const mergeXapiState = defineRoute({
  id: 'mergeXapiState',
  method: 'POST',
  path: '/xapi/activities/state',
  handler: 'functions/xapi/merge-state.ts',
  summary:
    "Auth-token of a launch (Basic): Merge a JSON object into the learner's state for an activity (and registration) (a new one is stored as sent)",
  tag: TAG,
  access,
  request: { query: StateWriteQuery, body: DocumentBody },
  response: { status: 204, description: 'Merged' },
  needs,
  maxBodyBytes: MAX_DOCUMENT_BYTES,
  rawBody: true,
});

export const deleteXapiState = defineRoute({
  id: 'deleteXapiState',
  method: 'DELETE',
  path: '/xapi/activities/state',
  handler: 'functions/xapi/delete-state.ts',
  summary:
    "Auth-token of a launch (Basic): Delete the learner's state for an activity (and registration) (no stateId: all of them but LMS.LaunchData)",
  tag: TAG,
  access,
  request: { query: StateDeleteQuery },
  response: { status: 204, description: 'Deleted' },
  needs,
});

export const getXapiActivityProfile = defineRoute({
  id: 'getXapiActivityProfile',
  method: 'GET',
  path: '/xapi/activities/profile',
  handler: 'functions/xapi/get-activity-profile.ts',
  summary:
    "Auth-token of a launch (Basic): Read an activity's profile document by profileId (with its ETag), or list the ids (since a time)",
  tag: TAG,
  access,
  request: { query: ActivityProfileQuery },
  response: { status: 200, description: 'The document as stored, or a JSON array of ids' },
  needs,
});

export const putXapiActivityProfile = defineRoute({
  id: 'putXapiActivityProfile',
  method: 'PUT',
  path: '/xapi/activities/profile',
  handler: 'functions/xapi/put-activity-profile.ts',
  summary:
    "Auth-token of a launch (Basic): Write an activity's profile document whole (If-Match / If-None-Match honoured; without either, an existing document is a 409)",
  tag: TAG,
  access,
  request: { query: ActivityProfileWriteQuery, body: DocumentBody },
  response: { status: 204, description: 'Stored' },
  needs,
  maxBodyBytes: MAX_DOCUMENT_BYTES,
  rawBody: true,
});

export const mergeXapiActivityProfile = defineRoute({
  id: 'mergeXapiActivityProfile',
  method: 'POST',
  path: '/xapi/activities/profile',
  handler: 'functions/xapi/merge-activity-profile.ts',
  summary:
    "Auth-token of a launch (Basic): Merge a JSON object into an activity's profile document (a new one is stored as sent)",
  tag: TAG,
  access,
  request: { query: ActivityProfileWriteQuery, body: DocumentBody },
  response: { status: 204, description: 'Merged' },
  needs,
  maxBodyBytes: MAX_DOCUMENT_BYTES,
  rawBody: true,
});

export const deleteXapiActivityProfile = defineRoute({
  id: 'deleteXapiActivityProfile',
  method: 'DELETE',
  path: '/xapi/activities/profile',
  handler: 'functions/xapi/delete-activity-profile.ts',
  summary: "Auth-token of a launch (Basic): Delete an activity's profile document",
  tag: TAG,
  access,
  request: { query: ActivityProfileWriteQuery },
  response: { status: 204, description: 'Deleted' },
  needs,
});

export const getXapiAgentProfile = defineRoute({
  id: 'getXapiAgentProfile',
  method: 'GET',
  path: '/xapi/agents/profile',
  handler: 'functions/xapi/get-agent-profile.ts',
  summary:
    "Auth-token of a launch (Basic): Read the learner's agent profile document by profileId (with its ETag), or list the ids (since a time)",
  tag: TAG,
  access,
  request: { query: AgentProfileQuery },
  response: { status: 200, description: 'The document as stored, or a JSON array of ids' },
  needs,
});

export const putXapiAgentProfile = defineRoute({
  id: 'putXapiAgentProfile',
  method: 'PUT',
  path: '/xapi/agents/profile',
  handler: 'functions/xapi/put-agent-profile.ts',
  summary:
    "Auth-token of a launch (Basic): Write the learner's agent profile document whole (If-Match / If-None-Match honoured; without either, an existing document is a 409)",
  tag: TAG,
  access,
  request: { query: AgentProfileWriteQuery, body: DocumentBody },
  response: { status: 204, description: 'Stored' },
  needs,
  maxBodyBytes: MAX_DOCUMENT_BYTES,
  rawBody: true,
});

export const mergeXapiAgentProfile = defineRoute({
  id: 'mergeXapiAgentProfile',
  method: 'POST',
  path: '/xapi/agents/profile',
  handler: 'functions/xapi/merge-agent-profile.ts',
  summary:
    "Auth-token of a launch (Basic): Merge a JSON object into the learner's agent profile document (a new one is stored as sent)",
  tag: TAG,
  access,
  request: { query: AgentProfileWriteQuery, body: DocumentBody },
  response: { status: 204, description: 'Merged' },
  needs,
  maxBodyBytes: MAX_DOCUMENT_BYTES,
  rawBody: true,
});

export const deleteXapiAgentProfile = defineRoute({
  id: 'deleteXapiAgentProfile',
  method: 'DELETE',
  path: '/xapi/agents/profile',
  handler: 'functions/xapi/delete-agent-profile.ts',
  summary: "Auth-token of a launch (Basic): Delete the learner's agent profile document",
  tag: TAG,
  access,
  request: { query: AgentProfileWriteQuery },
  response: { status: 204, description: 'Deleted' },
  needs,
});

/** Every LRS route, in manifest order. */
export const xapiRoutes = [
  fetchAuthToken,
  getLrsAbout,
  storeStatements,
  putStatement,
  getStatements,
  getXapiState,
  putXapiState,
  mergeXapiState,
  deleteXapiState,
  getXapiActivityProfile,
  putXapiActivityProfile,
  mergeXapiActivityProfile,
  deleteXapiActivityProfile,
  getXapiAgentProfile,
  putXapiAgentProfile,
  mergeXapiAgentProfile,
  deleteXapiAgentProfile,
] as const;
