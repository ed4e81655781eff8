/**
 * Turns anything a handler throws into an RFC 9457 problem response. Registered last so that it runs first
 * on error; CORS, registered before it, then adds its headers to the problem response too.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../logger.ts';
import { problemResponse, toProblem } from '../problem.ts';

export function problemErrors(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const problem = toProblem(request.error);
      if (problem.status >= 500) {
        logger.error('request failed', { error: request.error as Error });
      } else {
        logger.info('request refused', { status: problem.status, detail: problem.detail });
      }
      request.response = problemResponse(
        problem,
        request.event.requestContext?.requestId ?? 'unknown',
        request.event.path,
      );
    },
  };
}
