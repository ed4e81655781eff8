/**
 * Bytes of a manifest -> string. Manifests are meant to be UTF-8, but real ones also arrive as UTF-16 (with
 * a BOM, from Windows tools), as ISO-8859-1 declared in the XML prolog, or declared UTF-8 while saved as
 * Windows-1252 (an accented title typed in Notepad). Decoding them right keeps titles readable instead of
 * refusing the package.
 */

/** Single-byte encodings an XML declaration may name that we decode as such (WHATWG labels). */
const SINGLE_BYTE = new Set([
  'iso-8859-1',
  'latin1',
  'l1',
  'iso8859-1',
  'windows-1252',
  'cp1252',
  'us-ascii',
  'ascii',
]);

/**
 * Decodes a text file: BOM first (UTF-8, UTF-16 LE/BE; the BOM is removed), then an XML declaration's
 * `encoding` when it names ISO-8859-1/Windows-1252, else UTF-8, falling back to Windows-1252 when the bytes
 * are not valid UTF-8.
 *
 * @example decodeText(Buffer.from('\uFEFF<a/>')) // '<a/>'
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8OrLegacy(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const prolog = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = /^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(prolog)?.[1]?.toLowerCase();
  if (declared !== undefined && SINGLE_BYTE.has(declared))
    return new TextDecoder('windows-1252').decode(bytes);
  return utf8OrLegacy(bytes);
}

function utf8OrLegacy(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
