/**
 * SAML 2.0 IdP metadata, read safely (the package parser's limits: size cap, no DTD or entities, bounded
 * depth) and checked before anything is saved: an IDPSSODescriptor, a single sign-on endpoint, and a
 * signing certificate that parses and has not expired. A certificate expiring within 30 days is a warning.
 */
import { X509Certificate } from 'node:crypto';
import { PackageRejectedError } from '../content/findings.ts';
import { parseXml, type XmlElement } from '../content/xml.ts';

const SAML_METADATA = 'urn:oasis:names:tc:SAML:2.0:metadata';
const XML_DSIG = 'http://www.w3.org/2000/09/xmldsig#';
export const MAX_METADATA_BYTES = 256 * 1024;
const WARN_DAYS = 30;
const DAY_MS = 86_400_000;

export interface SigningCertificate {
  subject: string;
  notAfter: string;
  daysLeft: number;
}

export interface SamlMetadata {
  entityId: string;
  singleSignOnUrls: string[];
  signingCertificates: SigningCertificate[];
  warnings: string[];
}

/** A metadata document that cannot be used; `problem` says why in the administrator's words. */
export class MetadataRejected extends Error {}

export function readSamlMetadata(xml: string, now: Date): SamlMetadata {
  let root: XmlElement;
  try {
    root = parseXml(xml, { file: 'SAML metadata', maxBytes: MAX_METADATA_BYTES, maxDepth: 32 }).root;
  } catch (error) {
    if (error instanceof PackageRejectedError) throw new MetadataRejected(error.message);
    throw error;
  }
  const entity =
    root.name === 'EntityDescriptor'
      ? root
      : root.children.find((child) => child.name === 'EntityDescriptor' && child.namespace === SAML_METADATA);
  if (!entity || entity.namespace !== SAML_METADATA)
    throw new MetadataRejected('This is not SAML 2.0 metadata: no md:EntityDescriptor.');
  const idp = entity.children.find(
    (child) => child.name === 'IDPSSODescriptor' && child.namespace === SAML_METADATA,
  );
  if (!idp)
    throw new MetadataRejected(
      "The metadata describes no identity provider: no md:IDPSSODescriptor (is it a service provider's?).",
    );
  const singleSignOnUrls = idp.children
    .filter((child) => child.name === 'SingleSignOnService')
    .map((child) => attribute(child, 'Location'))
    .filter((location): location is string => Boolean(location));
  if (singleSignOnUrls.length === 0)
    throw new MetadataRejected('The identity provider has no SingleSignOnService location.');

  const signing = idp.children.filter(
    (child) => child.name === 'KeyDescriptor' && (attribute(child, 'use') ?? 'signing') === 'signing',
  );
  const certificates = signing
    .flatMap((key) => descendants(key, 'X509Certificate', XML_DSIG))
    .map((element) => element.text.replace(/\s+/g, ''));
  if (certificates.length === 0)
    throw new MetadataRejected(
      'The identity provider has no signing certificate (KeyDescriptor use="signing").',
    );
  const signingCertificates = certificates.map((base64) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(Buffer.from(base64, 'base64'));
    } catch {
      throw new MetadataRejected('A signing certificate in the metadata is not a valid X.509 certificate.');
    }
    const notAfter = new Date(certificate.validTo);
    return {
      subject: certificate.subject.replace(/\n/g, ', '),
      notAfter: notAfter.toISOString(),
      daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    };
  });
  const usable = signingCertificates.filter((certificate) => certificate.daysLeft >= 0);
  if (usable.length === 0) {
    const latest =
      signingCertificates
        .map((certificate) => certificate.notAfter)
        .sort()
        .at(-1) ?? '';
    throw new MetadataRejected(
      `The signing certificate expired on ${latest.slice(0, 10)}: ask the IdP for current metadata.`,
    );
  }
  const warnings = usable
    .filter((certificate) => certificate.daysLeft < WARN_DAYS)
    .map(
      (certificate) =>
        `The signing certificate ${certificate.subject} expires in ${certificate.daysLeft} days (${certificate.notAfter.slice(0, 10)}): plan the rollover with the IdP.`,
    );
  return { entityId: attribute(entity, 'entityID') ?? '', singleSignOnUrls, signingCertificates, warnings };
}

function attribute(element: XmlElement, name: string): string | undefined {
  return element.attributes.find((candidate) => candidate.name === name && candidate.prefix === '')?.value;
}

function descendants(element: XmlElement, name: string, namespace: string): XmlElement[] {
  return element.children.flatMap((child) => [
    ...(child.name === name && child.namespace === namespace ? [child] : []),
    ...descendants(child, name, namespace),
  ]);
}
