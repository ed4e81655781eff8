/** SAML 2.0 IdP metadata for tests: a real certificate, and a document built around it. */

/** A real self-signed certificate (CN=idp.corp.example, O=Corp), valid 2026-11-28 to 2027-11-28. */
export const CERTIFICATE =
  'MIIDNTCCAh2gAwIBAgIUAN1Xdo0aatLIbC+AlddHNVz3LN0wDQYJKoZIhvcNAQELBQAwKjEZMBcGA1UEAwwQaWRwLmNvcnAuZXhhbXBsZTENMAsGA1UECgwEQ29ycDAeFw0yNjExMjgxODMyMzFaFw0yNzExMjgxODMyMzFaMCoxGTAXBgNVBAMMEGlkcC5jb3JwLmV4YW1wbGUxDTALBgNVBAoMBENvcnAwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDWWNfI6K29x1MBpRHXIQV25sITpdB2HjKakMcspllM/YxPuQfP7v+3LUHcr1yV18U9+h2g7+9eOjV9jcluhRm5gaIF0MRq26/4zCGH2PGWduEN2SmawQ3FstrZRF8ACacp7JAd3szhFyYP23sjYpy6IzGdiWjFNuSbnx9U8hXJ+RoWbqSA+6CgFPSAk9giZr/iKLbGFBfqe1H49zGNEu5GSJ2HNhBrwYUQrVQumF3F7Cdx7pcDMqZqE0uEwb3nUsPalHEsMjez+1trP6g4X26VHEGemNLAme+vrBuxlWm26WDZiao3M72Kck45thzKHBaiW0O29YAciqe5gdNn2qpzAgMBAAGjUzBRMB0GA1UdDgQWBBQVv2cNXddhzxD84jx2xofAs0AW6TAfBgNVHSMEGDAWgBQVv2cNXddhzxD84jx2xofAs0AW6TAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQDEva1gb7lFkpNZQbIUWFkVmI7rMBjjSgdQcWDzFHeKXhLZGm8mXk4QBSW88AAcv6Qj2cCwICu8Pq01f17CzD2tUwDaKzH6oo0ysNXMt/o6xGE4FzGx35SiOpzsxtzQVTVN+k1vKpXMxYZXP1Zv8mePHnG3PwWkWhxHtvDYj9T7Xg48rgEUN30MMkFLyiKQCFEA7U8lFF6A442YwhdUbO240Iv5zov1ksV9BnQHvlLGUnQmxbSXyfajMdGYg+YJBkx8EyZTTxDJcJ6wUhsJqu13ETOk/VmZYr3pXMTzV4Mrp1NsU99tmgQLSqtFxP01cr0/oBc6yyknbkahL66nvayt';
/** When that certificate expires. */
export const CERTIFICATE_EXPIRES = new Date('2027-11-28T18:32:31Z');

export function samlMetadata(options: { descriptor?: string; keyUse?: string; certificate?: string } = {}) {
  const descriptor = options.descriptor ?? 'IDPSSODescriptor';
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="http://www.okta.com/exk1abc">
  <md:${descriptor} WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="${options.keyUse ?? 'signing'}">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>
        ${options.certificate ?? CERTIFICATE}
      </ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://corp.okta.com/app/exk1abc/sso/saml"/>
  </md:${descriptor}>
</md:EntityDescriptor>`;
}
