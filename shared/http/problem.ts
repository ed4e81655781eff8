/**
 * Errors as RFC 9457 problem documents (`application/problem+json`). Every error response of the API goes
 * through `problemResponse`, so they all carry the same fields and a request id, and never a stack trace.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  BusinessRuleError,
  ConflictError,
  DomainError,
  NotFoundError,
  OutOfScopeError,
  StaleVersionError,
} from '../domain/errors.ts';

export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Content too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  428: 'Precondition required',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** An error the HTTP layer answers with a given status. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** Headers the refusal needs (a 429's Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export const badRequest = (detail: string, errors: FieldError[] = []) => new HttpProblem(400, detail, errors);

/** Maps anything thrown to its status; unknown errors are a 500 whose detail says nothing about internals. */
export function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DomainError) return new HttpProblem(statusOf(error), error.message, error.fields);
  // Powertools idempotency errors, recognised by name so that routes without idempotency do not bundle it.
  const name = (error as Error | undefined)?.name;
  if (name === 'IdempotencyValidationError') {
    return new HttpProblem(422, 'Idempotency-Key reused for a different request', [
      {
        path: 'headers.idempotency-key',
        message: 'already used for another route, resource or body; use a new key',
      },
    ]);
  }
  if (name === 'IdempotencyAlreadyInProgressError') {
    return new HttpProblem(409, 'A request with this Idempotency-Key is still in progress; retry shortly.', [
      { path: 'headers.idempotency-key', message: 'in progress' },
    ]);
  }
  return new HttpProblem(500, 'Something went wrong on our side. Quote the request id when reporting it.');
}

function statusOf(error: DomainError): number {
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof StaleVersionError) return 412;
  if (error instanceof BusinessRuleError) return 422;
  if (error instanceof OutOfScopeError) return 403;
  return 400;
}

export function problemResponse(
  problem: HttpProblem,
  requestId: string,
  instance?: string,
): APIGatewayProxyResult {
  const body = {
    type: 'about:blank',
    title: TITLES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    ...(instance ? { instance } : {}),
    requestId,
    ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
  };
  return {
    statusCode: problem.status,
    headers: { ...problem.headers, 'content-type': 'application/problem+json' },
    body: JSON.stringify(body),
  };
}
