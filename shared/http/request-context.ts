/**
 * What a handler reads from the request itself rather than its parsed input: a header, and the API's own
 * base URL.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A request header, whatever its case (API Gateway keeps the client's, Node lowercases). */
export function headerOf(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1] ?? undefined;
}

/**
 * The API's own base URL as the caller reached it: scheme, host, and the stage prefix when there is one
 * (`https://abc.execute-api.eu-west-1.amazonaws.com/prod`; behind a custom domain, its base path; locally
 * `http://localhost:3000`). Launches hand it to the player and to cmi5 AUs (the LRS endpoint).
 */
export function apiBaseUrl(event: APIGatewayProxyEvent): string {
  const host = headerOf(event, 'host') ?? 'localhost';
  // API Gateway always answers on https and says so; the local gateway is plain http.
  const scheme = headerOf(event, 'x-forwarded-proto') ?? 'http';
  // The client's path includes what precedes the route (the stage, a base path); the event's path does not.
  const requested = event.requestContext?.path ?? event.path;
  const prefix = requested.endsWith(event.path)
    ? requested.slice(0, requested.length - event.path.length)
    : '';
  return `${scheme}://${host}${prefix}`;
}
