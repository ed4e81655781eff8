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

/** The local content server's origin (not the API's): content is at `<it>/<courseId>/v<n>/<path>`. */
export function contentUrl(): string {
  return inject('contentUrl');
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

/** A new ID token (not cached): for a person whose roles a test has just changed. */
export async function freshTokenFor(email: string): Promise<string> {
  const { endpoints, resources } = readLocalEnvironment();
  return (await signIn(endpoints, resources, email, DEMO_PASSWORD)).idToken;
}

/** A seeded or created person's id, found by email (never by position in a page other tests may fill). */
export async function userIdByEmail(email: string): Promise<string> {
  const found = await api('GET', `/users?email=${encodeURIComponent(email)}`, {
    token: await tokenFor('admin@example.com'),
  });
  const id = found.json?.items?.[0]?.id;
  if (typeof id !== 'string') throw new Error(`no user ${email}: ${found.text}`);
  return id;
}

/** A top-level department's id by name: one page of the root's children is bounded by test data too, so walk. */
export async function departmentIdByName(name: string): Promise<string> {
  const admin = await tokenFor('admin@example.com');
  let cursor: string | undefined;
  do {
    const page = await api('GET', `/departments?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
      token: admin,
    });
    const match = (page.json.items as { id: string; name: string }[]).find(
      (department) => department.name === name,
    );
    if (match) return match.id;
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  throw new Error(`no department named ${name}`);
}

export interface MachineClient {
  clientId: string;
  secret: string;
  tokenUrl: string;
}

/** A machine client created through the API by the seeded admin (the one way clients come to exist). */
export async function createMachineClient(name: string, scopes: readonly string[]): Promise<MachineClient> {
  const created = await api('POST', '/api-clients', {
    token: await tokenFor('admin@example.com'),
    body: { name, scopes },
  });
  if (created.status !== 201) throw new Error(`cannot create API client ${name}: ${created.text}`);
  return {
    clientId: created.json.client.clientId,
    secret: created.json.secret.value,
    tokenUrl: created.json.tokenUrl,
  };
}

/** POSTs the client-credentials grant to the client's token URL, as an integration would. */
export async function clientCredentials(
  client: Pick<MachineClient, 'clientId' | 'tokenUrl'>,
  secret: string,
  scope?: string,
): Promise<{ status: number; json: Record<string, string> }> {
  const response = await fetch(client.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }).toString(),
  });
  return { status: response.status, json: (await response.json()) as Record<string, string> };
}

/** An access token of a new machine client holding exactly `scopes`. */
export async function machineToken(name: string, scopes: readonly string[]): Promise<string> {
  const client = await createMachineClient(name, scopes);
  const token = await clientCredentials(client, client.secret);
  if (token.status !== 200) throw new Error(`no token for ${name}: ${JSON.stringify(token.json)}`);
  return token.json.access_token as string;
}
