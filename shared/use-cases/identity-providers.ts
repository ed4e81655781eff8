/**
 * SSO identity providers: validated before anything is saved (SAML metadata read safely, signing
 * certificate present and current, OIDC issuer https), synced to the user pool, and routed by email
 * domain. Creation syncs first and then claims the name and domains; a clash undoes the sync, so nothing
 * is half-written. The web client's provider list, which CloudFormation resets on deploy, is repaired from
 * the synced providers (`resyncWebClientProviders`).
 */

import { ConflictError, InvalidInputError, NotFoundError, StaleVersionError } from '../domain/errors.ts';
import type {
  CreateIdentityProviderInput,
  Discovery,
  GroupRule,
  IdentityProvider,
  UpdateIdentityProviderInput,
} from '../domain/identity-provider.ts';
import type { Actor } from '../domain/principal.ts';
import { MetadataRejected, readSamlMetadata, type SamlMetadata } from '../identity/saml-metadata.ts';
import { auditChange } from './context.ts';
import type {
  CohortRepository,
  Federation,
  IdentityProviderRepository,
  MetadataFetcher,
  Runtime,
  StoredIdentityProvider,
} from './ports.ts';

export interface IdentityProviderDeps {
  providers: IdentityProviderRepository;
  cohorts: Pick<CohortRepository, 'get'>;
  metadata: MetadataFetcher;
  federation: Federation;
  runtime: Runtime;
  /** Hosted sign-in (AWS with a Cognito domain): where discovery sends people. */
  hostedUi?: { domain: string; clientId: string; callbackUrl: string } | undefined;
}

export async function createIdentityProvider(
  deps: IdentityProviderDeps,
  actor: Actor,
  input: CreateIdentityProviderInput,
): Promise<IdentityProvider> {
  const now = deps.runtime.now();
  const metadataUrl = input.type === 'SAML' ? (input.metadataUrl ?? null) : null;
  const metadataXml =
    input.type === 'SAML' ? (input.metadataXml ?? (await fetchMetadata(deps, metadataUrl ?? ''))) : null;
  const metadata =
    metadataXml !== null
      ? readMetadata(metadataXml, now, metadataUrl ? 'body.metadataUrl' : 'body.metadataXml')
      : undefined;
  if (await deps.providers.idByName(input.name))
    throw new ConflictError(`An identity provider named ${input.name} exists.`, [
      { path: 'body.name', message: 'taken' },
    ]);
  for (const domain of input.domains) {
    const routed = await deps.providers.byDomain(domain);
    if (routed)
      throw new ConflictError(`The domain ${domain} is already routed to ${routed.name}.`, [
        { path: 'body.domains', message: `${domain} is routed to ${routed.name}` },
      ]);
  }
  const provider: StoredIdentityProvider = {
    id: deps.runtime.newId(),
    name: input.name,
    type: input.type,
    domains: input.domains,
    attributeMapping: input.attributeMapping,
    groupRules: await checkedRules(deps, input.groupRules),
    trustedForAdmins: input.trustedForAdmins ?? false,
    saml: metadata ? samlView(metadata, metadataUrl) : null,
    oidc:
      input.type === 'OIDC'
        ? {
            issuer: input.issuer,
            clientId: input.clientId,
            scopes: input.scopes,
            attributesRequestMethod: input.attributesRequestMethod,
          }
        : null,
    sync: { status: 'aws-only', at: now.toISOString(), message: '' },
    warnings: metadata?.warnings ?? [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
    metadataXml,
  };
  const secrets =
    input.type === 'SAML'
      ? { metadataXml: metadataXml ?? undefined, metadataUrl: metadataUrl ?? undefined }
      : { clientSecret: input.clientSecret };
  const sync = await deps.federation.save(provider, secrets, true);
  const saved = { ...provider, sync: { ...sync, at: now.toISOString() } };
  try {
    await deps.providers.create(saved, audit(deps, actor, 'identity-provider.created', null, saved));
  } catch (error) {
    // Someone claimed the name or a domain meanwhile: take the provider back out of Cognito.
    if (sync.status === 'synced') await deps.federation.remove(provider).catch(() => undefined);
    throw error;
  }
  return view(saved);
}

export async function updateIdentityProvider(
  deps: IdentityProviderDeps,
  actor: Actor,
  id: string,
  expectedVersion: number,
  input: UpdateIdentityProviderInput,
): Promise<IdentityProvider> {
  const before = await stored(deps, id);
  if (before.version !== expectedVersion)
    throw new StaleVersionError('identity provider', id, expectedVersion, before.version);
  if (input.metadataXml !== undefined && before.type !== 'SAML')
    throw new InvalidInputError('Only SAML providers have metadata.', [
      { path: 'body.metadataXml', message: 'OIDC provider' },
    ]);
  if (input.clientSecret !== undefined && before.type !== 'OIDC')
    throw new InvalidInputError('Only OIDC providers have a client secret.', [
      { path: 'body.clientSecret', message: 'SAML provider' },
    ]);
  const now = deps.runtime.now();
  const metadata = input.metadataXml ? readMetadata(input.metadataXml, now, 'body.metadataXml') : undefined;
  for (const domain of input.domains ?? []) {
    const routed = await deps.providers.byDomain(domain);
    if (routed && routed.id !== id)
      throw new ConflictError(`The domain ${domain} is already routed to ${routed.name}.`, [
        { path: 'body.domains', message: `${domain} is routed to ${routed.name}` },
      ]);
  }
  const after: StoredIdentityProvider = {
    ...before,
    domains: input.domains ?? before.domains,
    attributeMapping: input.attributeMapping ?? before.attributeMapping,
    groupRules: input.groupRules ? await checkedRules(deps, input.groupRules) : before.groupRules,
    trustedForAdmins: input.trustedForAdmins ?? before.trustedForAdmins,
    // New metadata given as a document: Cognito keeps that file from now on, not the URL.
    saml: metadata ? samlView(metadata, null) : before.saml,
    warnings: metadata ? metadata.warnings : before.warnings,
    metadataXml: input.metadataXml ?? before.metadataXml,
    updatedAt: now.toISOString(),
    version: before.version + 1,
  };
  const sync = await deps.federation.save(
    after,
    { metadataXml: input.metadataXml, clientSecret: input.clientSecret },
    false,
  );
  const saved = { ...after, sync: { ...sync, at: now.toISOString() } };
  await deps.providers.update(before, saved, audit(deps, actor, 'identity-provider.updated', before, saved));
  return view(saved);
}

export async function deleteIdentityProvider(
  deps: IdentityProviderDeps,
  actor: Actor,
  id: string,
): Promise<void> {
  const provider = await stored(deps, id);
  await deps.providers.delete(provider, audit(deps, actor, 'identity-provider.deleted', provider, null));
  await deps.federation.remove(provider);
}

export async function getIdentityProvider(deps: IdentityProviderDeps, id: string): Promise<IdentityProvider> {
  return view(await stored(deps, id));
}

export function listIdentityProviders(deps: IdentityProviderDeps): Promise<IdentityProvider[]> {
  return deps.providers.list();
}

/** What repairing the web client's provider list found and did. */
export type WebClientResync = Awaited<ReturnType<Federation['listOnWebClient']>>;

/**
 * Makes the web client list exactly Cognito's own sign-in and the providers synced to the pool, since every
 * deploy of LmsAuth that updates the client sets its list back to COGNITO alone. Idempotent: nothing is written
 * when the list is right.
 *
 * 1. List the LMS's providers; keep those whose `sync.status` is `synced`.
 * 2. None synced (always so locally, where they are all `aws-only`): leave the client alone.
 * 3. Otherwise the federation lists exactly those on the web client, and says what it added and removed.
 *
 * @example
 * const { status, added } = await resyncWebClientProviders(ports); // 'updated', ['Okta'] after a deploy
 */
export async function resyncWebClientProviders(
  deps: Pick<IdentityProviderDeps, 'providers' | 'federation'>,
): Promise<WebClientResync> {
  const providers = await deps.providers.list();
  const synced = providers.filter((provider) => provider.sync.status === 'synced').map(({ name }) => name);
  if (synced.length > 0) return deps.federation.listOnWebClient(synced);
  const unchanged = { added: [], removed: [], missing: [] };
  return providers.length > 0
    ? {
        status: 'aws-only',
        ...unchanged,
        message: `None of the ${providers.length} identity provider(s) is synced to Cognito (they sync only in AWS: the local Cognito emulator has no federation), so the web client is left as it is.`,
      }
    : {
        status: 'unchanged',
        ...unchanged,
        message: 'There is no identity provider: the web client is left as it is (Cognito sign-in).',
      };
}

/** Which provider an email signs in through, and the hosted sign-in URL that goes straight to it. */
export async function discoverIdentityProvider(
  deps: IdentityProviderDeps,
  email: string,
): Promise<Discovery> {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const provider = await deps.providers.byDomain(domain);
  if (!provider)
    return {
      email,
      provider: null,
      authorizeUrl: null,
      message: `No SSO for ${domain}: sign in with email and password.`,
    };
  const hosted = deps.hostedUi;
  const authorizeUrl = hosted
    ? `https://${hosted.domain}/oauth2/authorize?${new URLSearchParams({
        identity_provider: provider.name,
        response_type: 'code',
        client_id: hosted.clientId,
        redirect_uri: hosted.callbackUrl,
        scope: 'openid email profile',
      })}`
    : null;
  return {
    email,
    provider: { name: provider.name, type: provider.type },
    authorizeUrl,
    message: hosted
      ? `Sign in through ${provider.name}.`
      : `Sign in through ${provider.name}; there is no hosted sign-in page here (it exists in AWS with a Cognito domain).`,
  };
}

/** Every cohort a rule names exists and is static (a rule cohort's own rule decides its members). */
async function checkedRules(deps: IdentityProviderDeps, rules: GroupRule[]): Promise<GroupRule[]> {
  for (const [index, rule] of rules.entries()) {
    for (const cohortId of rule.cohortIds) {
      const cohort = await deps.cohorts.get(cohortId);
      if (cohort?.kind !== 'static')
        throw new InvalidInputError(
          cohort
            ? `${cohort.name} is a rule cohort: its rule decides its members.`
            : `No cohort ${cohortId}.`,
          [
            {
              path: `body.groupRules.${index}.cohortIds`,
              message: cohort ? 'rule cohort' : 'no such cohort',
            },
          ],
        );
    }
  }
  return rules;
}

function readMetadata(xml: string, now: Date, path: string): SamlMetadata {
  try {
    return readSamlMetadata(xml, now);
  } catch (error) {
    if (error instanceof MetadataRejected)
      throw new InvalidInputError(`The SAML metadata cannot be used: ${error.message}`, [
        { path, message: error.message },
      ]);
    throw error;
  }
}

async function fetchMetadata(deps: IdentityProviderDeps, url: string): Promise<string> {
  try {
    return await deps.metadata.fetch(url);
  } catch (error) {
    throw new InvalidInputError((error as Error).message, [
      { path: 'body.metadataUrl', message: 'not readable' },
    ]);
  }
}

function samlView(metadata: SamlMetadata, metadataUrl: string | null): IdentityProvider['saml'] {
  return {
    entityId: metadata.entityId,
    singleSignOnUrls: metadata.singleSignOnUrls,
    signingCertificates: metadata.signingCertificates,
    metadataUrl,
  };
}

async function stored(deps: IdentityProviderDeps, id: string): Promise<StoredIdentityProvider> {
  const provider = await deps.providers.get(id);
  if (!provider) throw new NotFoundError('identity provider', id);
  return provider;
}

/** The API's view: the stored metadata document stays in the table. */
function view(provider: StoredIdentityProvider): IdentityProvider {
  const { metadataXml: _metadata, ...rest } = provider;
  return rest;
}

function audit(
  deps: IdentityProviderDeps,
  actor: Actor,
  action: string,
  before: StoredIdentityProvider | null,
  after: StoredIdentityProvider | null,
) {
  const target = `identity-provider:${(after ?? before)?.id}`;
  return auditChange(deps.runtime, actor, action, target, before && view(before), after && view(after));
}
