/** SAML metadata read before an identity provider is saved: each bad document refused with its reason. */
import { describe, expect, it } from 'vitest';
import { MetadataRejected, readSamlMetadata } from '../../shared/identity/saml-metadata.ts';
import { CERTIFICATE_EXPIRES, samlMetadata } from '../support/saml.ts';

const EXPIRES = CERTIFICATE_EXPIRES;
const DAY = 86_400_000;

const refusal = (xml: string, now = new Date(EXPIRES.getTime() - 100 * DAY)) => {
  try {
    readSamlMetadata(xml, now);
  } catch (error) {
    if (error instanceof MetadataRejected) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('SAML metadata', () => {
  it('reads the entity, the sign-on URL and the signing certificate with its expiry', () => {
    const read = readSamlMetadata(samlMetadata(), new Date(EXPIRES.getTime() - 100 * DAY));
    expect(read).toEqual({
      entityId: 'http://www.okta.com/exk1abc',
      singleSignOnUrls: ['https://corp.okta.com/app/exk1abc/sso/saml'],
      signingCertificates: [
        { subject: 'CN=idp.corp.example, O=Corp', notAfter: '2027-11-28T18:32:31.000Z', daysLeft: 100 },
      ],
      warnings: [],
    });
  });

  it('warns when the signing certificate expires within 30 days, and refuses an expired one', () => {
    const soon = readSamlMetadata(samlMetadata(), new Date(EXPIRES.getTime() - 12 * DAY));
    expect(soon.warnings).toEqual([expect.stringMatching(/expires in 12 days \(2027-11-28\)/)]);
    expect(refusal(samlMetadata(), new Date(EXPIRES.getTime() + DAY))).toBe(
      'The signing certificate expired on 2027-11-28: ask the IdP for current metadata.',
    );
  });

  it.each([
    ['not XML', 'this is { not xml', /not well-formed|malformed/i],
    [
      'an entity attack',
      '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>',
      /DOCTYPE|entit/i,
    ],
    [
      'an external entity',
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      /DOCTYPE|entit/i,
    ],
    ['service provider metadata', samlMetadata({ descriptor: 'SPSSODescriptor' }), /no md:IDPSSODescriptor/],
    ['no signing certificate', samlMetadata({ keyUse: 'encryption' }), /no signing certificate/],
    ['a broken certificate', samlMetadata({ certificate: 'bm90IGEgY2VydGlmaWNhdGU=' }), /not a valid X.509/],
    ['something else entirely', '<html><body>Sign in</body></html>', /not SAML 2.0 metadata/],
  ])('refuses %s, naming the problem', (_what, xml, reason) => {
    expect(refusal(xml)).toMatch(reason);
  });
});
