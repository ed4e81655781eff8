/**
 * Machine clients for HRIS/CRM integrations. The OAuth side (client, secrets) lives in the registry (Cognito
 * in AWS); the LMS keeps a record without secrets, for the list, the name claim and the audit.
 *
 * Order of writes, so a failure half way leaves nothing that grants more than the record says:
 * - create: registry, then record; a record that cannot be written removes the client again;
 * - new scopes: registry, then record; a record that cannot be written puts the old scopes back;
 * - new secret: registry, then record; a stale record removes the new secret again;
 * - retire a secret, revoke a client: registry first (access ends now), then the record. A record write
 *   that fails leaves a record naming something already gone: retrying the call finishes it.
 */
import {
  type ApiClient,
  type CreateApiClientInput,
  type IssuedSecret,
  MAX_ACTIVE_SECRETS,
  type UpdateApiClientInput,
} from '../domain/api-client.ts';
import { BusinessRuleError, ConflictError, NotFoundError, StaleVersionError } from '../domain/errors.ts';
import type { Actor } from '../domain/principal.ts';
import { auditChange } from './context.ts';
import type { ApiClientRepository, MachineClientRegistry, Runtime } from './ports.ts';

export interface ApiClientDeps {
  clients: ApiClientRepository;
  registry: MachineClientRegistry;
  runtime: Runtime;
}

export async function createApiClient(
  deps: ApiClientDeps,
  actor: Actor,
  input: CreateApiClientInput,
): Promise<{ client: ApiClient; secret: IssuedSecret; tokenUrl: string }> {
  if (await deps.clients.idByName(input.name)) throw nameTaken(input.name);
  const { clientId, secret } = await deps.registry.create(input.name, input.scopes);
  const now = deps.runtime.now().toISOString();
  const client: ApiClient = {
    clientId,
    name: input.name,
    description: input.description ?? null,
    scopes: [...input.scopes],
    secrets: [{ id: secret.id, createdAt: secret.createdAt }],
    createdAt: now,
    createdBy: actor.principal.email ?? actor.principal.sub,
    updatedAt: now,
    version: 1,
  };
  try {
    await deps.clients.create(
      client,
      auditChange(deps.runtime, actor, 'api-client.created', `api-client:${clientId}`, null, client),
    );
  } catch (error) {
    await undo(() => deps.registry.remove(clientId), error);
  }
  return { client, secret, tokenUrl: deps.registry.tokenUrl };
}

export async function getApiClient(deps: ApiClientDeps, clientId: string): Promise<ApiClient> {
  const client = await deps.clients.get(clientId);
  if (!client) throw new NotFoundError('API client', clientId);
  return client;
}

export function listApiClients(deps: ApiClientDeps): Promise<ApiClient[]> {
  return deps.clients.list();
}

/**
 * New scopes take effect on the client's next token (tokens already issued keep theirs until they expire,
 * 15 minutes at most). If the record cannot be written, the registry gets the old scopes back.
 */
export async function updateApiClient(
  deps: ApiClientDeps,
  actor: Actor,
  clientId: string,
  expectedVersion: number,
  input: UpdateApiClientInput,
): Promise<ApiClient> {
  const before = await current(deps, clientId, expectedVersion);
  const after = changed(deps, before, {
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.scopes ? { scopes: [...input.scopes] } : {}),
  });
  const scopesChanged = after.scopes.join(' ') !== before.scopes.join(' ');
  if (scopesChanged) await deps.registry.setScopes(clientId, before.name, after.scopes);
  try {
    await deps.clients.update(
      before,
      after,
      auditChange(
        deps.runtime,
        actor,
        'api-client.updated',
        `api-client:${clientId}`,
        { scopes: before.scopes, description: before.description },
        { scopes: after.scopes, description: after.description },
      ),
    );
  } catch (error) {
    if (!scopesChanged) throw error;
    // The record is the truth: give the registry its scopes (another change may have won meanwhile).
    await undo(async () => {
      const latest = await deps.clients.get(clientId);
      if (latest) await deps.registry.setScopes(clientId, latest.name, latest.scopes);
    }, error);
  }
  return after;
}

/**
 * Rotation, step one: a second secret, valid at once beside the current one, so the integration can switch
 * without downtime. Step two is retiring the old one.
 */
export async function issueApiClientSecret(
  deps: ApiClientDeps,
  actor: Actor,
  clientId: string,
  expectedVersion: number | undefined,
): Promise<{ client: ApiClient; secret: IssuedSecret }> {
  const before = await current(deps, clientId, expectedVersion);
  if (before.secrets.length >= MAX_ACTIVE_SECRETS) {
    throw new BusinessRuleError(
      `${before.name} has ${MAX_ACTIVE_SECRETS} active secrets, the most it can have: retire the one the integration no longer uses first.`,
      [{ path: 'clientId', message: `${before.secrets.length} active secrets` }],
    );
  }
  const secret = await deps.registry.addSecret(clientId);
  const after = changed(deps, before, {
    secrets: [...before.secrets, { id: secret.id, createdAt: secret.createdAt }],
  });
  try {
    await saveSecrets(deps, actor, before, after, 'api-client.secret-issued');
  } catch (error) {
    await undo(() => deps.registry.removeSecret(clientId, secret.id), error);
  }
  return { client: after, secret };
}

/** Rotation, step two: the old secret stops working. The last secret cannot go: revoke the client instead. */
export async function retireApiClientSecret(
  deps: ApiClientDeps,
  actor: Actor,
  clientId: string,
  secretId: string,
  expectedVersion: number | undefined,
): Promise<ApiClient> {
  const before = await current(deps, clientId, expectedVersion);
  if (!before.secrets.some((secret) => secret.id === secretId))
    throw new NotFoundError(`secret of ${before.name}`, secretId);
  if (before.secrets.length === 1) {
    throw new BusinessRuleError(
      `That is the only secret of ${before.name}: issue a new one first, or revoke the client to end its access.`,
      [{ path: 'secretId', message: 'the only active secret' }],
    );
  }
  await deps.registry.removeSecret(clientId, secretId);
  const after = changed(deps, before, {
    secrets: before.secrets.filter((secret) => secret.id !== secretId),
  });
  await saveSecrets(deps, actor, before, after, 'api-client.secret-retired');
  return after;
}

/** The client can get no new token; tokens already issued end within MACHINE_TOKEN_MINUTES. */
export async function revokeApiClient(
  deps: ApiClientDeps,
  actor: Actor,
  clientId: string,
  expectedVersion: number | undefined,
): Promise<void> {
  const before = await current(deps, clientId, expectedVersion);
  await deps.registry.remove(clientId);
  await deps.clients.delete(
    before,
    auditChange(deps.runtime, actor, 'api-client.revoked', `api-client:${clientId}`, before, null),
  );
}

/** The record with its new list of secrets (ids and dates only), audited. */
function saveSecrets(
  deps: ApiClientDeps,
  actor: Actor,
  before: ApiClient,
  after: ApiClient,
  action: 'api-client.secret-issued' | 'api-client.secret-retired',
): Promise<void> {
  const audit = auditChange(
    deps.runtime,
    actor,
    action,
    `api-client:${before.clientId}`,
    { secrets: before.secrets },
    { secrets: after.secrets },
  );
  return deps.clients.update(before, after, audit);
}

/**
 * Undoes a registry change after the record could not be written, then fails with the record's error: that
 * one says what went wrong (a stale version, a taken name), even when the undo fails too.
 */
async function undo(step: () => Promise<void>, cause: unknown): Promise<never> {
  try {
    await step();
  } catch (undoError) {
    throw new AggregateError(
      [cause, undoError],
      `${(cause as Error).message} (and undoing the registry change failed)`,
    );
  }
  throw cause;
}

async function current(deps: ApiClientDeps, clientId: string, expected: number | undefined) {
  const client = await getApiClient(deps, clientId);
  if (expected !== undefined && expected !== client.version)
    throw new StaleVersionError('API client', clientId, expected, client.version);
  return client;
}

function changed(deps: ApiClientDeps, before: ApiClient, change: Partial<ApiClient>): ApiClient {
  return {
    ...before,
    ...change,
    updatedAt: deps.runtime.now().toISOString(),
    version: before.version + 1,
  };
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`An API client named ${name} exists.`, [{ path: 'body.name', message: 'taken' }]);
}
