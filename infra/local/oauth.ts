/**
 * The local stack's OAuth 2.0 server for machine clients: cognito-local has no client-credentials grant, so
 * a real authorization server (npm `oidc-provider`) issues their tokens here, shaped like Cognito's:
 * - `POST <issuer>/oauth2/token`, `grant_type=client_credentials`, client id and secret in HTTP Basic;
 * - no `scope` asked: every scope the client holds, as Cognito does; a scope it does not hold: `invalid_scope`;
 * - an RS256 JWT access token with `client_id`, `scope` and `exp` (15 minutes), keys at
 *   `<issuer>/.well-known/jwks.json`.
 * Its clients are the ones `POST /api-clients` creates (shared/store/local-oauth-clients.ts), read from the
 * local-only client table on each token request, so a revoked client or retired secret stops working at once.
 */
import { createHash, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';
import { MACHINE_TOKEN_MINUTES } from '../../shared/domain/api-client.ts';
import { RESOURCE_SERVER, SCOPE_NAMES } from '../../shared/domain/api-scopes.ts';
import { readLocalOAuthClient } from '../../shared/store/local-oauth-clients.ts';
import { httpFetcher } from './cognito.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';

/** The `aud` of local machine tokens (Cognito's have none; the local verifier checks this one). */
const AUDIENCE = `urn:${RESOURCE_SERVER}:api`;
const TOKEN_PATH = '/oauth2/token';
const MAX_FORM_BYTES = 16 * 1024;

export interface LocalOAuthServer {
  issuer: string;
  tokenUrl: string;
  /** Verifies a token of this server the way the authorizer needs it: claims, with `token_use: access`. */
  verifyAccessToken(token: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startLocalOAuthServer(options: {
  dynamoDbEndpoint: string;
  clientsTable: string;
  /** @default 0 (a free port) */
  port?: number;
  host?: string;
  log?: (line: string) => void;
}): Promise<LocalOAuthServer> {
  const dynamodb = new DynamoDBClient({
    region: LOCAL_REGION,
    endpoint: options.dynamoDbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const findClient = async (clientId: string): Promise<AdapterPayload | undefined> => {
    const client = await readLocalOAuthClient(documents, options.clientsTable, clientId);
    if (!client || client.secrets.length === 0) return undefined;
    return {
      client_id: client.clientId,
      client_name: client.name,
      client_secret: client.secrets[0]?.value,
      lms_secrets: client.secrets.map((secret) => secret.value),
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: client.scopes.join(' '),
    };
  };

  const server = createServer();
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;

  // A signing key per run: tokens are 15-minute ones, and a restart asks clients for new ones.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    adapter: adapterFor(findClient),
    jwks: {
      keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'lms-local-oauth', use: 'sig', alg: 'RS256' }],
    },
    routes: { token: TOKEN_PATH, jwks: '/.well-known/jwks.json' },
    scopes: [...SCOPE_NAMES],
    ttl: { ClientCredentials: MACHINE_TOKEN_MINUTES * 60 },
    extraClientMetadata: { properties: ['lms_secrets'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, _indicator, client) => ({
          scope: client.scope ?? '',
          audience: AUDIENCE,
          accessTokenTTL: MACHINE_TOKEN_MINUTES * 60,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  acceptEachActiveSecret(provider);
  provider.on('server_error', (_ctx, error) => options.log?.(`oauth server error: ${error.message}`));

  const callback = provider.callback();
  server.on('request', (request, response) => {
    withDefaultScopes(request, findClient)
      .then(() => callback(request, response))
      .catch((error: unknown) => {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ error: 'invalid_request', error_description: (error as Error).message }),
        );
      });
  });

  const verifier = JwtVerifier.create(
    { issuer, audience: AUDIENCE, jwksUri: `${issuer}/.well-known/jwks.json`, graceSeconds: 0 },
    { jwksCache: new SimpleJwksCache({ fetcher: httpFetcher }) },
  );
  return {
    issuer,
    tokenUrl: `${issuer}${TOKEN_PATH}`,
    verifyAccessToken: async (token) => ({ ...(await verifier.verify(token)), token_use: 'access' }),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      dynamodb.destroy();
    },
  };
}

/**
 * Cognito keeps up to two active secrets per app client, and accepts either; an oidc-provider client has one
 * `client_secret`. The client's active secrets come along as `lms_secrets`, and any of them is accepted.
 */
function acceptEachActiveSecret(provider: Provider): void {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  provider.Client.prototype.compareClientSecret = function compare(this: { lms_secrets?: string[] }, actual) {
    const presented = digest(String(actual));
    return (this.lms_secrets ?? []).some((secret) => timingSafeEqual(digest(secret), presented));
  };
}

/**
 * Cognito grants every scope the client holds when the token request names none; oidc-provider would grant
 * none. The token request's form is read here (bounded) and handed on with the client's scopes filled in.
 */
async function withDefaultScopes(
  request: IncomingMessage & { body?: Record<string, string> },
  findClient: (clientId: string) => Promise<AdapterPayload | undefined>,
): Promise<void> {
  if (request.method !== 'POST' || !request.url?.startsWith(TOKEN_PATH)) return;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error(`The token request is larger than ${MAX_FORM_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  if (form.grant_type === 'client_credentials' && !form.scope) {
    const clientId = basicClientId(request.headers.authorization) ?? form.client_id;
    const client = clientId ? await findClient(clientId) : undefined;
    if (typeof client?.scope === 'string' && client.scope !== '') form.scope = client.scope;
  }
  // oidc-provider takes an already read form from `body` (it says so once, in a warning).
  request.body = form;
}

function basicClientId(header: string | undefined): string | undefined {
  const encoded = /^Basic\s+(.+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const [id] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
  return id ? decodeURIComponent(id) : undefined;
}

/** Clients from the client table; the rest of oidc-provider's models (none used by this grant) in memory. */
function adapterFor(findClient: (clientId: string) => Promise<AdapterPayload | undefined>) {
  return class LocalAdapter implements Adapter {
    private static readonly stored = new Map<string, AdapterPayload>();
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async find(id: string) {
      return this.model === 'Client' ? findClient(id) : LocalAdapter.stored.get(this.key(id));
    }
    async upsert(id: string, payload: AdapterPayload) {
      LocalAdapter.stored.set(this.key(id), payload);
    }
    async destroy(id: string) {
      LocalAdapter.stored.delete(this.key(id));
    }
    async consume(id: string) {
      const payload = LocalAdapter.stored.get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async revokeByGrantId() {}
    async findByUid() {
      return undefined;
    }
    async findByUserCode() {
      return undefined;
    }
  };
}
