/**
 * Identity providers against DynamoDB Local and cognito-local (which has no federation: the sync says so).
 * The clock is fixed inside the test certificate's validity, so the test does not age.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError, StaleVersionError } from '../../shared/domain/errors.ts';
import { AWS_ONLY } from '../../shared/store/cognito-federation.ts';
import { identityProviderPorts } from '../../shared/store/identity-provider-wiring.ts';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  discoverIdentityProvider,
  updateIdentityProvider,
} from '../../shared/use-cases/identity-providers.ts';
import { actor } from '../support/actors.ts';
import { CERTIFICATE_EXPIRES, samlMetadata } from '../support/saml.ts';

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
    });
    const again = { type: 'SAML' as const, metadataXml: samlMetadata(), attributeMapping: mapping };
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
