/**
 * Turns anything a handler throws into an error response: an RFC 9457 problem, or on a SCIM route a SCIM
 * error body (RFC 7644 §3.12). Registered last so that it runs first on error; CORS, registered before it,
 * then adds its headers to the error response too.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../logger.ts';
import { problemResponse, toProblem } from '../problem.ts';
import type { RouteDefinition } from '../route.ts';
import { scimErrorResponse, toScimError } from '../scim-response.ts';

export function problemErrors(
  protocol: RouteDefinition['protocol'] = undefined,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const requestId = request.event.requestContext?.requestId ?? 'unknown';
      const refusal = protocol === 'scim' ? toScimError(request.error, requestId) : toProblem(request.error);
      if (refusal.status >= 500) {
        logger.error('request failed', { error: request.error as Error });
      } else {
        logger.info('request refused', { status: refusal.status, detail: refusal.detail });
      }
      request.response =
        'toScimErrorBody' in refusal
          ? scimErrorResponse(refusal)
          : problemResponse(refusal, requestId, request.event.path);
    },
  };
}
