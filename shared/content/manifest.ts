/**
 * Which kind of package an upload is (by the manifest at its root), and the manifest parsed into the LMS's
 * package model with its findings. The per-standard rules live in scorm.ts, cmi5.ts and tincan.ts.
 *
 * Errors that make the manifest unreadable (not well-formed, entity declarations, too deep, too large) throw
 * {@link PackageRejectedError}; everything else is a finding on the result, errors and warnings alike, so that
 * an administrator sees every problem of a package at once.
 */
import { PackageFiles } from './checks.ts';
import { parseCmi5 } from './cmi5.ts';
import { type Finding, PackageRejectedError } from './findings.ts';
import { DEFAULT_PACKAGE_LIMITS } from './limits.ts';
import type { PackageKind, ParsedPackage, ParseOptions } from './model.ts';
import { parseScorm } from './scorm.ts';
import { parseTincan } from './tincan.ts';
import { parseXml } from './xml.ts';

export type {
  Cmi5Au,
  Item,
  Launch,
  Organization,
  PackageKind,
  PackageStandard,
  ParsedPackage,
  ParseOptions,
  Resource,
} from './model.ts';

/** Manifest file names, in precedence order when a package has more than one at its root. */
const MANIFEST_FILES: readonly { name: string; kind: PackageKind }[] = [
  // cmi5 first: a cmi5 package may also carry a tincan.xml or a SCORM fallback manifest, and cmi5 is the
  // richer description of the same course.
  { name: 'cmi5.xml', kind: 'cmi5' },
  { name: 'imsmanifest.xml', kind: 'scorm' },
  { name: 'tincan.xml', kind: 'xapi' },
];

/** File extensions of AICC course descriptions (course, descriptor, structure, assignable unit files). */
const AICC_FILE = /\.(au|crs|des|cst)$/i;

/** The exact message of a `no-manifest` rejection. */
export const NO_MANIFEST_MESSAGE = 'no imsmanifest.xml / cmi5.xml / tincan.xml at package root';

/**
 * Decides the package kind from its file paths, looking only at the package root (names matched ignoring
 * case; the real path is returned). Throws {@link PackageRejectedError}: `manifest-not-at-root` (a manifest
 * exists in a folder: the folder was zipped instead of its contents), `aicc-not-supported`, `no-manifest`.
 *
 * @example detectPackageKind(['imsmanifest.xml', 'index.html']) // { kind: 'scorm', manifestPath: 'imsmanifest.xml' }
 */
export function detectPackageKind(paths: readonly string[]): { kind: PackageKind; manifestPath: string } {
  const atRoot = paths.filter((path) => !path.includes('/'));
  for (const { name, kind } of MANIFEST_FILES) {
    const found = atRoot.find((path) => path.toLowerCase() === name);
    if (found) return { kind, manifestPath: found };
  }
  const names = new Set(MANIFEST_FILES.map(({ name }) => name));
  const nested = paths
    .filter((path) => names.has(baseName(path).toLowerCase()))
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  const shallowest = nested[0];
  if (shallowest) {
    const folder = shallowest.slice(0, shallowest.lastIndexOf('/') + 1);
    const message =
      `${baseName(shallowest)} is at "${shallowest}", not at the package root: zip the contents of the folder ` +
      `"${folder}" (so that ${baseName(shallowest)} is at the top of the zip), not the folder itself`;
    throw new PackageRejectedError('manifest-not-at-root', message, [
      { severity: 'error', code: 'manifest-not-at-root', message, file: shallowest },
    ]);
  }
  const aicc = paths.filter((path) => AICC_FILE.test(path));
  if (aicc.length > 0) {
    const message = 'AICC is not supported; export the course as SCORM or cmi5';
    throw new PackageRejectedError(
      'aicc-not-supported',
      message,
      aicc.slice(0, 10).map((file) => ({ severity: 'error', code: 'aicc-not-supported', message, file })),
    );
  }
  throw new PackageRejectedError('no-manifest', NO_MANIFEST_MESSAGE, [
    { severity: 'error', code: 'no-manifest', message: NO_MANIFEST_MESSAGE },
  ]);
}

/**
 * Parses a manifest of the given kind. With `options.files` (the package's paths) it also checks that launch
 * files exist (errors) and that listed files exist and package files are listed (warnings).
 *
 * @example
 * const parsed = parseManifest('scorm', xmlText, { files: new Set(inventory.files.map((f) => f.path)) });
 * if (hasErrors(parsed.findings)) reject(parsed.findings);
 */
export function parseManifest(kind: PackageKind, xmlText: string, options: ParseOptions = {}): ParsedPackage {
  const manifestPath = options.manifestPath ?? defaultManifestPath(kind);
  const document = parseXml(xmlText, {
    file: manifestPath,
    maxBytes: options.maxBytes ?? DEFAULT_PACKAGE_LIMITS.maxManifestBytes,
    maxDepth: options.maxDepth ?? DEFAULT_PACKAGE_LIMITS.maxXmlDepth,
  });
  const files = new PackageFiles(options.files);
  switch (kind) {
    case 'scorm':
      return parseScorm(document, files, manifestPath);
    case 'cmi5':
      return parseCmi5(document, files, manifestPath);
    case 'xapi':
      return parseTincan(document, files, manifestPath);
  }
}

/** Outcome of {@link validatePackage}: never throws for manifest problems. */
export interface PackageValidation {
  /** null when the manifest could not be read at all (malformed XML, entity declarations, ...). */
  parsed: ParsedPackage | null;
  findings: Finding[];
  /** No error-level finding. */
  valid: boolean;
}

/**
 * {@link parseManifest} that reports unreadable manifests as findings instead of throwing: one list of
 * findings for the job record, whatever went wrong.
 */
export function validatePackage(
  kind: PackageKind,
  manifestPath: string,
  xmlText: string,
  files: ReadonlySet<string> | undefined,
  limits: { maxManifestBytes: number; maxXmlDepth: number } = DEFAULT_PACKAGE_LIMITS,
): PackageValidation {
  try {
    const parsed = parseManifest(kind, xmlText, {
      manifestPath,
      maxBytes: limits.maxManifestBytes,
      maxDepth: limits.maxXmlDepth,
      ...(files ? { files } : {}),
    });
    return { parsed, findings: parsed.findings, valid: !hasErrors(parsed.findings) };
  } catch (error) {
    if (!(error instanceof PackageRejectedError)) throw error;
    const findings: Finding[] =
      error.findings.length > 0
        ? error.findings
        : [{ severity: 'error', code: error.code, message: error.message, file: manifestPath }];
    return { parsed: null, findings, valid: false };
  }
}

/** True when any finding blocks the import. */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}

/**
 * The rejection for a package whose findings include errors (code of the first error, every finding kept),
 * or undefined when it may be imported.
 */
export function rejectionFor(findings: readonly Finding[]): PackageRejectedError | undefined {
  const errors = findings.filter((finding) => finding.severity === 'error');
  const first = errors[0];
  if (!first) return undefined;
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new PackageRejectedError(first.code, `${first.message}${more}`, [...findings]);
}

function defaultManifestPath(kind: PackageKind): string {
  return MANIFEST_FILES.find((manifest) => manifest.kind === kind)?.name ?? 'imsmanifest.xml';
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
