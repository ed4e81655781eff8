/**
 * Limits applied to every uploaded content package before and while it is unpacked. A package is untrusted
 * input from an administrator's laptop (or from whoever sent it to them): each limit bounds one resource a
 * hostile or broken zip could exhaust (disk, memory, CPU, inodes) while leaving room for the largest real
 * courses (video-heavy SCORM exports run to a few GiB).
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export interface PackageLimits {
  /** Size of the uploaded .zip itself. Checked on the file before yauzl reads a byte of it. */
  maxPackageBytes: number;
  /** Central-directory records (files + folders). Each becomes an S3 object: bounds work, inodes and time. */
  maxEntries: number;
  /** Sum of the uncompressed sizes: what the files inflate to, all of it stored in the content bucket. */
  maxTotalUncompressedBytes: number;
  /** One file's uncompressed size. */
  maxEntryBytes: number;
  /**
   * Uncompressed / compressed, per entry and for the whole archive. Deflate tops out near 1032:1, and real
   * course content (HTML, JS, images, video) compresses far less than 200:1, so a higher ratio means a zip bomb.
   * Only checked above {@link PackageLimits.compressionRatioMinBytes}: a small file of repeated text may
   * legitimately compress 500:1.
   */
  maxCompressionRatio: number;
  /**
   * Size below which the ratio is not checked (per entry, and for the archive's total).
   * @default 1 MiB ({@link DEFAULT_COMPRESSION_RATIO_MIN_BYTES})
   */
  compressionRatioMinBytes?: number;
  /** imsmanifest.xml / cmi5.xml / tincan.xml are read into memory and parsed: this bounds that memory. */
  maxManifestBytes: number;
  /** XML element nesting. Real manifests nest a few dozen levels; deep nesting is a parser stack attack. */
  maxXmlDepth: number;
  /**
   * UTF-8 bytes of one entry's path. Each file becomes the S3 object `<content prefix><path>`, and S3 keys are
   * at most 1024 bytes, so this is what the longest prefix leaves ({@link MAX_PACKAGE_PATH_BYTES}).
   */
  maxPathBytes: number;
}

/** S3's limit on an object key, in UTF-8 bytes. */
export const S3_MAX_KEY_BYTES = 1024;
/**
 * The longest prefix package files are stored under: `courses/<id>/v<n>/` with a 36-character id and a
 * version of at most 6 digits (the import refuses a version beyond that).
 */
export const MAX_CONTENT_PREFIX_BYTES = 'courses/'.length + 36 + '/v'.length + 6 + '/'.length;
/** What S3's key limit leaves a package path once the prefix is counted. */
export const MAX_PACKAGE_PATH_BYTES = S3_MAX_KEY_BYTES - MAX_CONTENT_PREFIX_BYTES;

/** Entries smaller than this are not ratio-checked: see {@link PackageLimits.maxCompressionRatio}. */
export const DEFAULT_COMPRESSION_RATIO_MIN_BYTES = 1 * MiB;

/** The limits production uses. Tests pass smaller ones to exercise each rejection cheaply. */
export const DEFAULT_PACKAGE_LIMITS: Readonly<PackageLimits> = Object.freeze({
  // Largest real packages we have seen are video courses around 1-1.5 GiB; 2 GiB leaves headroom while
  // keeping a single upload within what one Lambda invocation can download and unpack in its timeout.
  maxPackageBytes: 2 * GiB,
  // Big authoring-tool exports (Storyline, Captivate) hold a few thousand files; 20,000 is generous.
  maxEntries: 20_000,
  // Twice the package limit: media does not compress, so real packages unpack to about their zip size.
  maxTotalUncompressedBytes: 4 * GiB,
  // One video can be most of a package.
  maxEntryBytes: 2 * GiB,
  maxCompressionRatio: 200,
  compressionRatioMinBytes: DEFAULT_COMPRESSION_RATIO_MIN_BYTES,
  // The largest manifests (ADL conformance suites, 500-item courses) are a few hundred KiB.
  maxManifestBytes: 10 * MiB,
  maxXmlDepth: 64,
  // Longer paths could not be stored: with the prefix they would pass S3's 1024-byte key limit.
  maxPathBytes: MAX_PACKAGE_PATH_BYTES,
});

/** {@link PackageLimits.compressionRatioMinBytes} with its default applied. */
export function ratioMinBytes(limits: PackageLimits): number {
  return limits.compressionRatioMinBytes ?? DEFAULT_COMPRESSION_RATIO_MIN_BYTES;
}
