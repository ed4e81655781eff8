import { randomUUID } from 'node:crypto';
/**
 * Identity providers against DynamoDB Local and cognito-local (which has no federation: the sync says so).
 * The clock is fixed inside the test certificate's validity, so the test does not age.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError, StaleVersionError } from '../../shared/domain/errors.ts';
import { AWS_ONLY } from '../../shared/store/cognito-federation.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import { HttpMetadataFetcher } from '../../shared/store/metadata-fetcher.ts';
import { provisionPorts } from '../../shared/store/sign-in-wiring.ts';
import { organisationPorts } from '../../shared/store/wiring.ts';
import { createCohort } from '../../shared/use-cases/cohorts.ts';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  discoverIdentityProvider,
  updateIdentityProvider,
} from '../../shared/use-cases/identity-providers.ts';
import { provisionFederatedUser } from '../../shared/use-cases/sign-in.ts';
import { actor } from '../support/actors.ts';
import { CERTIFICATE_EXPIRES, samlMetadata } from '../support/saml.ts';
import { TEST_CA, TEST_SERVER_CERT, TEST_SERVER_KEY } from '../support/tls.ts';

const DAY = 86_400_000;
const base = identityProviderPorts();
const at = (now: Date) => ({ ...base, runtime: { ...base.runtime, now: () => now } });
const ports = at(new Date(CERTIFICATE_EXPIRES.getTime() - 200 * DAY));
const admin = actor(['admin']);
const unique = () => Math.random().toString(36).slice(2, 8);
const mapping = { email: 'email', givenName: 'firstName', familyName: 'lastName', groups: 'groups' };

describe('identity providers, against the local stack', () => {
  it('saves a SAML provider with its certificate expiry, routes its domains, and says the sync is AWS-only', async () => {
    const domain = `corp-${unique()}.example`;
    const provider = await createIdentityProvider(ports, admin, {
      type: 'SAML',
      name: `Okta-${unique()}`,
      domains: [domain],
      metadataXml: samlMetadata(),
      attributeMapping: mapping,
      groupRules: [],
    });
    expect(provider.saml).toMatchObject({
      entityId: 'http://www.okta.com/exk1abc',
      signingCertificates: [{ subject: 'CN=idp.corp.example, O=Corp', daysLeft: 200 }],
    });
    expect(provider.sync).toMatchObject({ status: 'aws-only', message: AWS_ONLY });
    expect(provider.warnings).toEqual([]);
    const found = await discoverIdentityProvider(ports, `Someone@${domain.toUpperCase()}`.toLowerCase());
    expect(found).toMatchObject({ provider: { name: provider.name, type: 'SAML' }, authorizeUrl: null });
    expect((await discoverIdentityProvider(ports, 'someone@elsewhere.example')).provider).toBeNull();
  });

  it('refuses a duplicate name (any case) and a domain routed elsewhere, naming the provider, writing nothing', async () => {
    const name = `Azure-${unique()}`;
    const domain = `team-${unique()}.example`;
    await createIdentityProvider(ports, admin, {
      type: 'OIDC',
      name,
      domains: [domain],
      issuer: 'https://login.microsoftonline.com/tenant/v2.0',
      clientId: 'lms-app',
      clientSecret: 'not-stored',
      scopes: ['openid', 'email'],
      attributesRequestMethod: 'GET',
      attributeMapping: { email: 'email' },
      groupRules: [],
    });
    const again = {
      type: 'SAML' as const,
      metadataXml: samlMetadata(),
      attributeMapping: mapping,
      groupRules: [],
    };
    await expect(
      createIdentityProvider(ports, admin, {
        ...again,
        name: name.toUpperCase(),
        domains: [`x-${unique()}.example`],
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    const clash = createIdentityProvider(ports, admin, {
      ...again,
      name: `Other-${unique()}`,
      domains: [domain],
    });
    await expect(clash).rejects.toThrow(`The domain ${domain} is already routed to ${name}.`);
  });

  it('warns of a certificate expiring within 30 days, refuses an expired one, and rolls metadata over', async () => {
    const soon = at(new Date(CERTIFICATE_EXPIRES.getTime() - 10 * DAY));
    const provider = await createIdentityProvider(soon, admin, {
      type: 'SAML',
      name: `Ping-${unique()}`,
      domains: [`ping-${unique()}.example`],
      metadataXml: samlMetadata(),
      attributeMapping: mapping,
      groupRules: [],
    });
    expect(provider.warnings).toEqual([expect.stringMatching(/expires in 10 days/)]);
    const late = at(new Date(CERTIFICATE_EXPIRES.getTime() + DAY));
    await expect(
      updateIdentityProvider(late, admin, provider.id, provider.version, { metadataXml: samlMetadata() }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      updateIdentityProvider(soon, admin, provider.id, provider.version + 5, { domains: ['x.example'] }),
    ).rejects.toBeInstanceOf(StaleVersionError);
  });

  it('moves routing when domains change, and frees them when the provider is deleted', async () => {
    const [first, second] = [`a-${unique()}.example`, `b-${unique()}.example`];
    const provider = await createIdentityProvider(ports, admin, {
      type: 'SAML',
      name: `Adfs-${unique()}`,
      domains: [first],
      metadataXml: samlMetadata(),
      attributeMapping: mapping,
      groupRules: [],
    });
    const moved = await updateIdentityProvider(ports, admin, provider.id, provider.version, {
      domains: [second],
    });
    expect(moved.domains).toEqual([second]);
    expect((await discoverIdentityProvider(ports, `p@${first}`)).provider).toBeNull();
    expect((await discoverIdentityProvider(ports, `p@${second}`)).provider?.name).toBe(provider.name);
    await deleteIdentityProvider(ports, admin, provider.id);
    expect((await discoverIdentityProvider(ports, `p@${second}`)).provider).toBeNull();
  });
});

describe('first sign-in through an identity provider, against the local stack', () => {
  it('provisions the profile with the roles and cohorts its group rules give, once', async () => {
    // Prepare: a static cohort, an IdP whose "lms-trainers" group makes instructors, and the federated login
    const people = organisationPorts();
    const cohorts = cohortPorts();
    const cohort = await createCohort(cohorts, admin, { name: `Trainers ${unique()}`, kind: 'static' });
    const name = `Okta${unique()}`;
    await createIdentityProvider(ports, admin, {
      type: 'SAML',
      name,
      domains: [`${name.toLowerCase()}.example`],
      metadataXml: samlMetadata(),
      attributeMapping: mapping,
      groupRules: [{ group: 'lms-trainers', roles: ['instructor', 'learner'], cohortIds: [cohort.id] }],
    });
    const email = `fed.${unique()}@${name.toLowerCase()}.example`;
    const providerUserId = `00u${unique()}`;
    const userName = `${name}_${providerUserId}`;
    const sub = randomUUID();
    // cognito-local cannot hold a federated login (its user names must be emails): the role groups are
    // recorded at the directory port instead, whose Cognito calls are tested against cognito-local elsewhere.
    const groupsSet: { username: string; roles: readonly string[] }[] = [];
    const deps = {
      ...provisionPorts(process.env.USER_POOL_ID ?? ''),
      directory: {
        setRoleGroups: async (username: string, roles: readonly string[]) =>
          void groupsSet.push({ username, roles }),
      },
    };
    const signUp = {
      userName,
      attributes: {
        sub,
        email,
        identities: JSON.stringify([{ providerName: name, userId: providerUserId, providerType: 'SAML' }]),
        given_name: 'Fede',
        family_name: 'Rated',
        'custom:employee_id': 'E-1001',
        'custom:idp_groups': '["lms-trainers","everyone"]',
      },
    };
    // Act
    const first = await provisionFederatedUser(deps, admin, signUp);
    const again = await provisionFederatedUser(deps, admin, signUp);
    // Assess
    expect(first.roles).toEqual(['instructor', 'learner']);
    // The second time, the profile exists and is this login's already: nothing is created or granted
    expect(again).toEqual({ userId: first.userId });
    const userId = await people.users.idByEmail(email);
    expect(await people.users.idByLogin(sub)).toBe(userId);
    expect(await people.users.get(userId ?? '')).toMatchObject({
      givenName: 'Fede',
      familyName: 'Rated',
      externalId: 'E-1001',
      status: 'active',
      linkedLogin: { sub, username: userName, by: 'provisioned' },
    });
    expect(groupsSet).toEqual([{ username: userName, roles: ['instructor', 'learner'] }]);
    expect(await cohorts.cohorts.allMemberIds(cohort.id)).toEqual([userId]);
  });

  it('refuses group rules naming a rule cohort or one that does not exist', async () => {
    const ruleCohort = await createCohort(cohortPorts(), admin, {
      name: `Rule ${unique()}`,
      kind: 'rule',
      rule: { type: 'attribute', attribute: 'location', op: 'equals', value: `Nowhere ${unique()}` },
    });
    const create = (cohortId: string) =>
      createIdentityProvider(ports, admin, {
        type: 'SAML',
        name: `Rules${unique()}`,
        domains: [`rules-${unique()}.example`],
        metadataXml: samlMetadata(),
        attributeMapping: mapping,
        groupRules: [{ group: 'g', roles: [], cohortIds: [cohortId] }],
      });
    await expect(create(ruleCohort.id)).rejects.toThrow(/rule cohort/);
    await expect(create('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('SAML metadata by URL, against the local stack', () => {
  const GENERIC = /^The metadata URL cannot be read: it must be an https URL of a public address/;

  it('reads and validates the published metadata, and keeps its URL', async () => {
    const server = createServer({ key: TEST_SERVER_KEY, cert: TEST_SERVER_CERT }, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
      response.end(samlMetadata());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      // The product's fetcher refuses loopback; this one is told that the test IdP on 127.0.0.1 is fine.
      const local = {
        ...ports,
        metadata: new HttpMetadataFetcher({
          allowedAddresses: ['127.0.0.1'],
          trustedCertificates: [TEST_CA],
        }),
      };
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/metadata`;
      const provider = await createIdentityProvider(local, admin, {
        type: 'SAML',
        name: `Published-${unique()}`,
        domains: [`published-${unique()}.example`],
        metadataUrl: url,
        attributeMapping: mapping,
        groupRules: [],
      });
      expect(provider.saml).toMatchObject({ entityId: 'http://www.okta.com/exk1abc', metadataUrl: url });
      const create = (deps: typeof ports) =>
        createIdentityProvider(deps, admin, {
          type: 'SAML',
          name: `Gone-${unique()}`,
          domains: [`gone-${unique()}.example`],
          metadataUrl: url,
          attributeMapping: mapping,
          groupRules: [],
        });
      // The product's own wiring: the same URL is refused (loopback), with the one message.
      const refused = create(ports);
      await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
      await expect(refused).rejects.toThrow(GENERIC);
      // Nobody answers any more: the same message.
      await close();
      await expect(create(local)).rejects.toThrow(GENERIC);
    } finally {
      if (server.listening) await close();
    }
  });
});
