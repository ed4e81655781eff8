/**
 * Package paths: what a zip entry name may look like, and how a manifest href becomes a package path.
 * Shared by the archive reader (which refuses unsafe entry names) and the manifest parsers (which resolve
 * hrefs against xml:base and check them against the package's files).
 */

/** Why a zip entry name is refused, or null when it is a safe package-relative path. */
export interface PathProblem {
  code: 'unsafe-path' | 'path-too-long';
  reason: string;
}

/** Longest single path segment most filesystems accept (bytes): a package stays extractable anywhere. */
const MAX_SEGMENT_BYTES = 255;

/**
 * Checks a zip entry name (without a directory entry's trailing `/`). Safe names are relative, use `/` only,
 * and have no empty, `.` or `..` segments, so that the name is its own canonical form: two different names
 * can never reach the same file, and no name can leave the package's folder (its content prefix).
 *
 * @example checkEntryPath('../evil.txt', 1024) // { code: 'unsafe-path', reason: 'has a ".." segment ...' }
 */
export function checkEntryPath(name: string, maxPathBytes: number): PathProblem | null {
  if (name.length === 0) return { code: 'unsafe-path', reason: 'has an empty name' };
  if (name.includes('\0')) return { code: 'unsafe-path', reason: 'contains a NUL character' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0001-\u001f\u007f]/.test(name)) {
    return { code: 'unsafe-path', reason: 'contains a control character' };
  }
  // Windows tools sometimes write `folder\file`; unzip on Linux makes that one file with a backslash in its
  // name, Windows makes it a folder. Refusing it avoids both surprises.
  if (name.includes('\\'))
    return { code: 'unsafe-path', reason: 'contains a backslash (use "/" in zip paths)' };
  if (name.startsWith('/')) return { code: 'unsafe-path', reason: 'is an absolute path' };
  if (/^[A-Za-z]:/.test(name)) return { code: 'unsafe-path', reason: 'starts with a drive letter' };
  // Bytes, not characters: S3 counts the key's UTF-8 bytes, and "é" is two of them.
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > maxPathBytes) {
    return { code: 'path-too-long', reason: `is ${bytes} bytes long in UTF-8 (limit ${maxPathBytes})` };
  }
  for (const segment of name.split('/')) {
    if (segment === '') return { code: 'unsafe-path', reason: 'has an empty path segment ("//")' };
    if (segment === '..') return { code: 'unsafe-path', reason: 'has a ".." segment (path traversal)' };
    if (segment === '.') return { code: 'unsafe-path', reason: 'has a "." segment' };
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      return { code: 'path-too-long', reason: `has a segment longer than ${MAX_SEGMENT_BYTES} bytes` };
    }
  }
  return null;
}

/**
 * Key under which two paths collide on a case-insensitive filesystem (Windows, macOS: where the package will
 * be re-downloaded and edited) or after Unicode normalisation (macOS writes NFD names).
 */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

/** Where a manifest href points. */
export type ResolvedHref =
  /** A file inside the package: `path` is the decoded package path, `url` keeps the href's own encoding. */
  | { kind: 'package'; path: string; url: string }
  /** An absolute URL (http, https, or another scheme). */
  | { kind: 'external'; url: string }
  /** A relative href that climbs above the package root, or a root-relative `/path`. */
  | { kind: 'outside'; url: string };

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** True for `http://...`, `https://...` and protocol-relative `//host/...` hrefs. */
export function isWebUrl(href: string): boolean {
  return /^(https?:)?\/\//i.test(href.trim());
}

/**
 * Resolves an href against a chain of xml:base values (outermost first), the way an LMS resolves a
 * resource's launch file: `xml:base="resources/"` + `href="page.htm?x=1"` -> `resources/page.htm?x=1`.
 *
 * Tolerances (each seen in real packages): an xml:base without a trailing slash is treated as a folder
 * (RFC 3986 would drop its last segment, which no authoring tool intends); backslashes are read as `/`;
 * percent-encoding is decoded for the file path (`my%20page.html` is the file `my page.html`).
 */
export function resolveHref(bases: readonly (string | undefined)[], href: string): ResolvedHref {
  const trimmed = href.trim().replaceAll('\\', '/');
  if (SCHEME.test(trimmed) || trimmed.startsWith('//')) return { kind: 'external', url: trimmed };
  let prefix = '';
  for (const raw of bases) {
    const base = raw?.trim().replaceAll('\\', '/');
    if (!base) continue;
    if (SCHEME.test(base) || base.startsWith('//')) {
      // An absolute base makes everything after it absolute: the content lives on another server.
      prefix = base.endsWith('/') ? base : `${base}/`;
      continue;
    }
    if (base.startsWith('/')) return { kind: 'outside', url: base + trimmed };
    prefix += base.endsWith('/') ? base : `${base}/`;
  }
  const joined = prefix + trimmed;
  if (SCHEME.test(joined) || joined.startsWith('//')) return { kind: 'external', url: joined };
  if (joined.startsWith('/')) return { kind: 'outside', url: joined };

  const cut = joined.search(/[?#]/);
  const rawPath = cut >= 0 ? joined.slice(0, cut) : joined;
  const suffix = cut >= 0 ? joined.slice(cut) : '';
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return { kind: 'outside', url: joined };
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  const normalised = segments.join('/');
  return { kind: 'package', path: decodePath(normalised), url: normalised + suffix };
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    // A stray `%` that is not an escape: the file name really contains it.
    return path;
  }
}

/**
 * Appends SCORM item `parameters` to a launch URL as the SCORM CAM describes: leading `?`/`&` are dropped and
 * the rest joins the query with `?` or `&`; a `#fragment` is appended only when the URL has none.
 *
 * @example applyParameters('a.html?x=1', '?y=2') // 'a.html?x=1&y=2'
 */
export function applyParameters(url: string, parameters: string | undefined): string {
  let params = parameters?.trim() ?? '';
  if (params === '') return url;
  if (params.startsWith('#')) return url.includes('#') ? url : url + params;
  params = params.replace(/^[?&]+/, '');
  if (params === '') return url;
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  return `${beforeHash}${beforeHash.includes('?') ? '&' : '?'}${params}${hash}`;
}
