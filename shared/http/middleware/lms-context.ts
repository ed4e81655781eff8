/** What the middleware stack hands the route's action, kept on the invocation's own context object. */
import type { Context } from 'aws-lambda';
import type { Principal } from '../../domain/principal.ts';

export interface ParsedInput {
  params: unknown;
  query: unknown;
  body: unknown;
  /** Version named by If-Match, when sent. */
  ifMatch: number | undefined;
  /** The Idempotency-Key header, on routes that accept one. */
  idempotencyKey: string | undefined;
}

export interface LmsContext extends Context {
  principal?: Principal | undefined;
  input?: ParsedInput;
}
