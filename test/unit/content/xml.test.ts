import { describe, expect, it } from 'vitest';
import { PackageRejectedError } from '../../../shared/content/findings.ts';
import {
  attr,
  child,
  children,
  decodeReferences,
  descendants,
  parseXml,
  textOf,
} from '../../../shared/content/xml.ts';

const options = { file: 'imsmanifest.xml', maxBytes: 100_000, maxDepth: 64 };

function rejectionOf(text: string, overrides: Partial<typeof options> = {}): PackageRejectedError {
  try {
    parseXml(text, { ...options, ...overrides });
  } catch (error) {
    if (error instanceof PackageRejectedError) return error;
    throw error;
  }
  throw new Error('expected the document to be rejected');
}

describe('parseXml: refusals', () => {
  it('refuses a billion-laughs entity bomb before parsing', () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<manifest>&lol3;</manifest>`;
    const error = rejectionOf(bomb);
    expect(error.code).toBe('xml-entities');
    expect(error.message).toContain('imsmanifest.xml');
    expect(error.findings[0]?.element).toBe('line 2, column 1');
  });

  it('refuses an external entity (XXE)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>';
    expect(rejectionOf(xxe).code).toBe('xml-entities');
  });

  it('refuses a bare DOCTYPE too (no DTD of any kind is needed by a manifest)', () => {
    expect(rejectionOf('<!DOCTYPE manifest SYSTEM "http://evil.example/x.dtd"><manifest/>').code).toBe(
      'xml-entities',
    );
  });

  it('refuses malformed XML with the line and column', () => {
    const error = rejectionOf('<manifest>\n  <organizations>\n    <item>\n  </organizations>\n</manifest>');
    expect(error.code).toBe('malformed-xml');
    expect(error.message).toMatch(/line 4, column \d+/);
    expect(error.findings[0]).toMatchObject({
      severity: 'error',
      code: 'malformed-xml',
      file: 'imsmanifest.xml',
    });
  });

  it('refuses an empty document and text without a root element', () => {
    expect(rejectionOf('').code).toBe('malformed-xml');
    expect(rejectionOf('just text').code).toBe('malformed-xml');
  });

  it('refuses nesting deeper than maxDepth, counting only real elements', () => {
    const atLimit = `${'<a>'.repeat(64)}${'</a>'.repeat(64)}`;
    expect(() => parseXml(atLimit, options)).not.toThrow();
    const deep = `${'<a>'.repeat(65)}${'</a>'.repeat(65)}`;
    const error = rejectionOf(deep);
    expect(error.code).toBe('xml-too-deep');
    expect(error.message).toContain('64');
    // Comments, CDATA, self-closing tags and ">" inside attribute values do not count as depth.
    const shallow = `${'<a x="1>2">'.repeat(60)}<!-- <b><b><b><b><b> --><![CDATA[<c><c><c><c><c>]]><d/><d/>${'</a>'.repeat(60)}`;
    expect(() => parseXml(shallow, options)).not.toThrow();
  });

  it('refuses documents over the size cap', () => {
    const error = rejectionOf(`<a>${'x'.repeat(200)}</a>`, { maxBytes: 100 });
    expect(error.code).toBe('xml-too-large');
  });
});

describe('parseXml: namespaces, prefixes and text', () => {
  const manifest = `<?xml version = "1.0" encoding = "UTF-8"?>
<imscp:manifest identifier = "M1"
    xmlns:imscp = "http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <imscp:organizations default="O1">
    <imscp:organization identifier="O1">
      <imscp:title>  Safety &amp; Health
        101 </imscp:title>
      <imscp:item identifier="I1" identifierref="R1" parameters="?a=1&amp;b=2">
        <imscp:title><![CDATA[Fish & <Chips>]]></imscp:title>
        <imsss:sequencing xmlns:imsss="http://www.imsglobal.org/xsd/imsss"/>
      </imscp:item>
    </imscp:organization>
  </imscp:organizations>
  <resources xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xml:base="content/">
    <resource identifier="R1" adlcp:scormType="sco" href="a.html"/>
  </resources>
</imscp:manifest>`;

  it('strips prefixes from element names and resolves their namespaces', () => {
    const { root, namespaceUris } = parseXml(manifest, options);
    expect(root.name).toBe('manifest');
    expect(root.prefix).toBe('imscp');
    expect(root.namespace).toBe('http://www.imsglobal.org/xsd/imscp_v1p1');
    expect(namespaceUris.has('http://www.imsglobal.org/xsd/imsss')).toBe(true);
    const sequencing = descendants(root, 'sequencing')[0];
    expect(sequencing?.namespace).toBe('http://www.imsglobal.org/xsd/imsss');
    const resources = child(root, 'resources');
    expect(resources?.namespace).toBe('http://www.imsglobal.org/xsd/imscp_v1p1');
    expect(resources?.declarations.get('')).toBe('http://www.imsglobal.org/xsd/imscp_v1p1');
  });

  it('reads attributes by local name, by namespace, or ignoring case', () => {
    const { root } = parseXml(manifest, options);
    expect(attr(root, 'identifier')).toBe('M1');
    const resources = child(root, 'resources');
    if (!resources) throw new Error('no resources');
    expect(attr(resources, 'base', { namespace: 'http://www.w3.org/XML/1998/namespace' })).toBe('content/');
    const resource = children(resources, 'resource')[0];
    if (!resource) throw new Error('no resource');
    expect(attr(resource, 'scormtype', { ignoreCase: true })).toBe('sco');
    expect(attr(resource, 'scormType', { namespace: 'http://www.adlnet.org/xsd/adlcp_v1p3' })).toBe('sco');
    expect(attr(resource, 'scormType', { namespace: 'http://other' })).toBeUndefined();
  });

  it('decodes predefined entities and character references but keeps CDATA literal', () => {
    const { root } = parseXml(manifest, options);
    const organization = descendants(root, 'organization')[0];
    expect(textOf(organization && child(organization, 'title'))).toBe('Safety & Health 101');
    const item = descendants(root, 'item')[0];
    if (!item) throw new Error('no item');
    expect(attr(item, 'parameters')).toBe('?a=1&b=2');
    expect(textOf(child(item, 'title'))).toBe('Fish & <Chips>');
    expect(decodeReferences('&#65;&#x42;&lt;&nbsp;&amp;amp;')).toBe('AB<&nbsp;&amp;');
  });

  it('strips a BOM', () => {
    expect(parseXml('\uFEFF<a/>', options).root.name).toBe('a');
  });
});
