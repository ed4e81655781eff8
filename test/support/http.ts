/** A small HTTP client for e2e tests: calls the local gateway over HTTP as any client would. */
import { inject } from 'vitest';
import { signIn } from '../../infra/local/cognito.ts';
import { readLocalEnvironment } from '../../infra/local/resources.ts';
import { DEMO_PASSWORD } from '../../infra/local/seed.ts';

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  json: any;
  text: string;
}

export interface ApiRequest {
  token?: string | undefined;
  body?: unknown;
  /** Sent as is (for malformed bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export function gatewayUrl(): string {
  return inject('gatewayUrl');
}

export async function api(method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let body: string | undefined = request.rawBody;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${gatewayUrl()}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

const tokens = new Map<string, Promise<string>>();

/** An ID token for a seeded demo user, signed by the local Cognito. */
export function tokenFor(email: string): Promise<string> {
  let token = tokens.get(email);
  if (!token) {
    const { endpoints, resources } = readLocalEnvironment();
    token = signIn(endpoints, resources, email, DEMO_PASSWORD).then((result) => result.idToken);
    tokens.set(email, token);
  }
  return token;
}
