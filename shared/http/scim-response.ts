/**
 * Errors of the SCIM routes as SCIM error bodies (RFC 7644 §3.12), in `application/scim+json`: identity
 * providers read `status` and `scimType`, not problem+json. Whatever refused the request in the function (the
 * route gate, the body parser, a use case) is mapped here, so a SCIM client gets no other shape from it.
 * (API Gateway's own refusals, before a function runs, are one set per API and stay problem+json.)
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  BusinessRuleError,
  DomainError,
  InvalidInputError,
  NotFoundError,
  OutOfScopeError,
  StaleVersionError,
  UniquenessError,
} from '../domain/errors.ts';
import { ScimError } from '../scim/errors.ts';
import { toProblem } from './problem.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/**
 * The SCIM error for anything thrown. A uniqueness claim refused is `uniqueness` (409); a value the LMS
 * cannot take (no such manager or department, a rule broken) is `invalidValue`; a body that does not parse or
 * does not have a resource's shape is `invalidSyntax`; a query parameter that does not parse `invalidValue`.
 *
 * @example
 * toScimError(new UniquenessError('The email a@b.c is already in use.'), 'req-1')
 * // ScimError(409, 'uniqueness', 'The email a@b.c is already in use.')
 */
export function toScimError(error: unknown, requestId: string): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof DomainError) {
    if (error instanceof UniquenessError) return new ScimError(409, 'uniqueness', error.message);
    if (error instanceof BusinessRuleError || error instanceof InvalidInputError)
      return new ScimError(400, 'invalidValue', error.message);
    if (
      error instanceof NotFoundError ||
      error instanceof StaleVersionError ||
      error instanceof OutOfScopeError
    )
      return new ScimError(toProblem(error).status, undefined, error.message);
  }
  const problem = toProblem(error);
  if (problem.status >= 500) {
    return new ScimError(problem.status, undefined, `${problem.detail} Request id: ${requestId}.`);
  }
  const unsaid = problem.errors.filter((field) => !problem.detail.includes(`${field.path}:`));
  const detail =
    unsaid.length > 0
      ? `${problem.detail} ${unsaid.map((field) => `${field.path}: ${field.message}`).join('; ')}.`
      : problem.detail;
  if (problem.status !== 400) return new ScimError(problem.status, undefined, detail);
  const inBody = problem.errors.every((field) => field.path === 'body' || field.path.startsWith('body.'));
  return new ScimError(400, inBody ? 'invalidSyntax' : 'invalidValue', detail);
}

export function scimErrorResponse(error: ScimError): APIGatewayProxyResult {
  return {
    statusCode: error.status,
    headers: { 'content-type': SCIM_CONTENT_TYPE },
    body: JSON.stringify(error.toScimErrorBody()),
  };
}

/**
 * The absolute URL of `/scim/v2` as the client called it, for `meta.location`, `Location` and `$ref`s: the
 * scheme API Gateway forwards (`X-Forwarded-Proto`; http locally), the Host, and whatever prefixes the route's
 * path in `requestContext.path` (the stage, a custom domain's base path).
 *
 * @example scimBaseUrl(event) // 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/scim/v2'
 */
export function scimBaseUrl(event: APIGatewayProxyEvent): string {
  const header = (name: string) =>
    Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
  const scheme = header('x-forwarded-proto')?.split(',')[0]?.trim() || 'http';
  const host = header('host') ?? 'localhost';
  const called = event.requestContext?.path ?? event.path;
  const prefix = called.endsWith(event.path) ? called.slice(0, called.length - event.path.length) : '';
  return `${scheme}://${host}${prefix}/scim/v2`;
}
