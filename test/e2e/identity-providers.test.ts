/**
 * SSO identity providers over HTTP: bad metadata and settings refused by name; discovery by email domain;
 * metadata URLs that point inside the network refused without a request being made there.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/actors.ts';
import { api, tokenFor } from '../support/http.ts';
import { samlMetadata } from '../support/saml.ts';

const slug = () => uniqueName('x').split(' ')[1];

describe('identity providers over HTTP', () => {
  it('routes an email domain to its provider: GET /auth/discover answers anyone', async () => {
    const admin = await tokenFor('admin@example.com');
    const domain = `acme-${slug()}.example`;
    const created = await api('POST', '/identity-providers', {
      token: admin,
      body: {
        type: 'SAML',
        name: `Acme-${slug()}`,
        domains: [domain],
        metadataXml: samlMetadata(),
        attributeMapping: { email: 'email', department: 'department' },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.sync.status).toBe('aws-only');
    expect(created.json).not.toHaveProperty('metadataXml');
    const found = await api('GET', `/auth/discover?email=${encodeURIComponent(`jo@${domain}`)}`);
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({
      provider: { name: created.json.name, type: 'SAML' },
      authorizeUrl: null,
    });
    const listed = await api('GET', '/identity-providers', { token: admin });
    expect(listed.json.items.map((p: { id: string }) => p.id)).toContain(created.json.id);
  });

  it.each([
    ['metadata that is not XML', { metadataXml: 'not xml at all' }, 400, 'body.metadataXml'],
    [
      'metadata with an entity attack',
      { metadataXml: '<!DOCTYPE x [<!ENTITY a "a"><!ENTITY b "&a;&a;">]><x>&b;</x>' },
      400,
      'body.metadataXml',
    ],
    [
      'service provider metadata',
      { metadataXml: samlMetadata({ descriptor: 'SPSSODescriptor' }) },
      400,
      'body.metadataXml',
    ],
    [
      'no signing certificate',
      { metadataXml: samlMetadata({ keyUse: 'encryption' }) },
      400,
      'body.metadataXml',
    ],
    ['a reserved name', { name: 'Cognito' }, 400, 'body.name'],
    [
      'a metadata URL that is not https',
      { metadataXml: undefined, metadataUrl: 'http://idp.example/m' },
      400,
      'body.metadataUrl',
    ],
    ['both a document and a URL', { metadataUrl: 'https://idp.example/m' }, 400, 'body.metadataXml'],
    ['a domain that is not one', { domains: ['not a domain'] }, 400, 'body.domains.0'],
  ])('refuses %s, naming the field', async (_what, change, status, path) => {
    const admin = await tokenFor('admin@example.com');
    const response = await api('POST', '/identity-providers', {
      token: admin,
      body: {
        type: 'SAML',
        name: `Bad-${slug()}`,
        domains: [`bad-${slug()}.example`],
        metadataXml: samlMetadata(),
        attributeMapping: { email: 'email' },
        ...change,
      },
    });
    expect(response.status, response.text).toBe(status);
    expect(response.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('refuses an OIDC issuer that is not https, and a second provider for a routed domain', async () => {
    const admin = await tokenFor('admin@example.com');
    const oidc = {
      type: 'OIDC',
      name: `Entra-${slug()}`,
      domains: [`entra-${slug()}.example`],
      issuer: 'http://login.example/tenant',
      clientId: 'lms',
      clientSecret: 'secret',
      attributeMapping: { email: 'email' },
    };
    const insecure = await api('POST', '/identity-providers', { token: admin, body: oidc });
    expect(insecure.status).toBe(400);
    expect(insecure.json.errors).toEqual([expect.objectContaining({ path: 'body.issuer' })]);
    const first = await api('POST', '/identity-providers', {
      token: admin,
      body: { ...oidc, issuer: 'https://login.example/tenant' },
    });
    expect(first.status, first.text).toBe(201);
    expect(first.json.oidc).toEqual({
      issuer: 'https://login.example/tenant',
      clientId: 'lms',
      scopes: ['openid', 'email', 'profile'],
      attributesRequestMethod: 'GET',
    });
    expect(first.text).not.toContain('secret');
    const second = await api('POST', '/identity-providers', {
      token: admin,
      body: { ...oidc, name: `Other-${slug()}`, issuer: 'https://login.example/tenant' },
    });
    expect(second.status).toBe(409);
    expect(second.json.detail).toContain(`already routed to ${oidc.name}`);
  });
});

describe('metadata URLs pointing inside the network', () => {
  const GENERIC =
    'The metadata URL cannot be read: it must be an https URL of a public address that answers 200 with the metadata (at most 256 KiB, within 10 s, without redirects).';
  /** Listeners on both loopback addresses, one port: they count every connection that reaches them. */
  const traps: Server[] = [];
  let port = 0;
  let connections = 0;

  beforeAll(async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const trap = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => trap.listen(port, host, resolve));
      port = (trap.address() as AddressInfo).port;
      traps.push(trap);
    }
  });
  afterAll(async () => {
    for (const trap of traps) await new Promise<void>((resolve) => trap.close(() => resolve()));
  });

  // Loopback first, where a listener would see a request; the others are refused by the same check.
  it.each([
    ['127.0.0.1', () => `https://127.0.0.1:${port}/metadata`],
    ['[::1]', () => `https://[::1]:${port}/metadata`],
    ['localhost, a name that resolves to loopback', () => `https://localhost:${port}/metadata`],
    ['169.254.169.254 (cloud instance metadata)', () => 'https://169.254.169.254/latest/meta-data/'],
    ['10.0.0.1', () => 'https://10.0.0.1/metadata'],
  ])('refuses %s with problem+json, makes no request there, and changes nothing', async (_what, url) => {
    // Prepare
    const admin = await tokenFor('admin@example.com');
    const before = await api('GET', '/identity-providers', { token: admin });
    const domain = `inside-${slug()}.example`;
    // Act
    const response = await api('POST', '/identity-providers', {
      token: admin,
      body: {
        type: 'SAML',
        name: `Inside-${slug()}`,
        domains: [domain],
        metadataUrl: url(),
        attributeMapping: { email: 'email' },
      },
    });
    // Assess
    expect(response.status, response.text).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.json.detail).toBe(GENERIC);
    expect(response.json.errors).toEqual([{ path: 'body.metadataUrl', message: 'not readable' }]);
    expect(response.text).not.toMatch(/127\.0\.0\.1|::1|169\.254|10\.0\.0\.1|ECONNREFUSED/);
    expect(connections).toBe(0);
    const after = await api('GET', '/identity-providers', { token: admin });
    expect(after.json).toEqual(before.json);
    const discovered = await api('GET', `/auth/discover?email=jo@${domain}`);
    expect(discovered.json.provider).toBeNull();
  });
});
