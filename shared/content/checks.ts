/**
 * Helpers the manifest parsers share: collecting findings, and checking hrefs against the package's files.
 */
import type { Finding } from './findings.ts';
import { collisionKey, isWebUrl, type ResolvedHref, resolveHref } from './paths.ts';

/** Findings in the order they were found, with de-duplication of identical ones. */
export class FindingList {
  readonly items: Finding[] = [];
  private readonly seen = new Set<string>();

  error(code: string, message: string, where: { file?: string; element?: string } = {}): void {
    this.add({ severity: 'error', code, message, ...where });
  }

  warning(code: string, message: string, where: { file?: string; element?: string } = {}): void {
    this.add({ severity: 'warning', code, message, ...where });
  }

  has(code: string): boolean {
    return this.items.some((finding) => finding.code === code);
  }

  private add(finding: Finding): void {
    const key = `${finding.severity}|${finding.code}|${finding.file ?? ''}|${finding.element ?? ''}|${finding.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(finding);
  }
}

/** The package's file list, or nothing when file checks are off (manifest-only parsing). */
export class PackageFiles {
  private caseIndex: Map<string, string> | undefined;

  constructor(readonly paths: ReadonlySet<string> | undefined) {}

  get known(): boolean {
    return this.paths !== undefined;
  }

  /** True when the file exists, or when files are unknown (nothing to check against). */
  has(path: string): boolean {
    return this.paths === undefined || this.paths.has(path);
  }

  /**
   * `"path", which is not in the package`, for a message; names a file differing only by case, because authoring
   * on Windows or macOS hides case mistakes that break once the files are served from S3 (case-sensitive).
   */
  missingReason(path: string): string {
    const variant = this.caseVariant(path);
    return variant
      ? `"${path}", which is not in the package (it has "${variant}": file names are case-sensitive once published)`
      : `"${path}", which is not in the package`;
  }

  private caseVariant(path: string): string | undefined {
    if (!this.paths) return undefined;
    if (!this.caseIndex) {
      this.caseIndex = new Map();
      for (const candidate of this.paths) this.caseIndex.set(collisionKey(candidate), candidate);
    }
    return this.caseIndex.get(collisionKey(path));
  }
}

/** File extensions of Flash content, which no current browser plays. */
const FLASH = /\.(swf|flv|spl)$/i;

export function isFlashPath(path: string): boolean {
  return FLASH.test(path.split(/[?#]/)[0] ?? '');
}

/**
 * One `flash-content` warning when any package file or manifest href is Flash (named, up to three), since
 * such a course cannot run in a browser since Flash Player's end of life (December 2020).
 */
export function checkFlash(
  findings: FindingList,
  files: PackageFiles,
  hrefs: Iterable<string>,
  manifestPath: string,
): void {
  const flash = new Set<string>();
  for (const path of files.paths ?? []) if (isFlashPath(path)) flash.add(path);
  for (const href of hrefs) if (isFlashPath(href)) flash.add(href);
  if (flash.size === 0) return;
  const names = [...flash].slice(0, 3).map((name) => `"${name}"`);
  const more = flash.size > 3 ? ` and ${flash.size - 3} more` : '';
  findings.warning(
    'flash-content',
    `the package contains Flash content (${names.join(', ')}${more}), which no current browser can play`,
    { file: [...flash][0] ?? manifestPath },
  );
}

/**
 * True when an HTML page embeds Flash (`<object>`/`<embed>` of a .swf or of the Flash MIME type), for
 * callers that read the package's HTML (the manifest alone cannot tell).
 */
export function htmlEmbedsFlash(html: string): boolean {
  return /<(object|embed)\b[^>]*(\.swf\b|application\/x-shockwave-flash|clsid:d27cdb6e-ae6d-11cf-96b8-444553540000)/i.test(
    html,
  );
}

/**
 * Checks a cmi5 AU's or an xAPI activity's launch URL (no xml:base chain): a web URL outside the package is
 * a warning (it must stay online), any other scheme or a path climbing out is an error, and a relative path
 * must name a file of the package.
 * @example checkLaunchUrl('AU "intro"', 'index.html', 'au[id=intro]/url', context)
 */
export function checkLaunchUrl(
  subject: string,
  url: string,
  element: string,
  context: { findings: FindingList; files: PackageFiles; manifestPath: string },
): void {
  const { findings, files, manifestPath } = context;
  const where = { file: manifestPath, element };
  const resolved: ResolvedHref = resolveHref([], url);
  if (resolved.kind === 'external') {
    if (isWebUrl(url))
      findings.warning(
        'external-url',
        `${subject} launches ${url}, outside the package: it must stay online`,
        where,
      );
    else
      findings.error('unsupported-launch-url', `${subject} launches "${url}", which is not a web URL`, where);
    return;
  }
  if (resolved.kind === 'outside') {
    findings.error(
      'href-outside-package',
      `${subject} launches "${url}", which points outside the package`,
      where,
    );
    return;
  }
  if (!files.has(resolved.path)) {
    findings.error('missing-launch-file', `${subject} launches ${files.missingReason(resolved.path)}`, {
      file: resolved.path,
      element,
    });
  }
}
