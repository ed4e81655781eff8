/**
 * The read-only half of package processing in one call, for a zip already on local disk (the package import
 * runs it, shared/use-cases/package-import.ts):
 *
 * 1. inspect the central directory (limits, unsafe entries: throws PackageRejectedError);
 * 2. detect the kind from the manifest at the root (throws for no manifest, manifest in a folder, AICC);
 * 3. read the manifest with the manifest byte cap;
 * 4. parse it with the package's file list, collecting findings (an unreadable manifest becomes findings).
 *
 * Storing the files is left to the caller (storeArchiveFiles), which runs only when the findings have no error.
 */
import { type ArchiveInventory, inspectArchive, readArchiveText } from './archive.ts';
import type { Finding } from './findings.ts';
import type { PackageLimits } from './limits.ts';
import { detectPackageKind, validatePackage } from './manifest.ts';
import type { PackageKind, ParsedPackage } from './model.ts';

export interface PackageAnalysis {
  inventory: ArchiveInventory;
  kind: PackageKind;
  manifestPath: string;
  /** null when the manifest could not be read (see findings). */
  parsed: ParsedPackage | null;
  findings: Finding[];
  /** No error-level finding: safe to extract and publish. */
  valid: boolean;
}

/**
 * Inspects, detects and parses the package at `zipPath`.
 *
 * @example
 * const analysis = await analyzePackage(tempZip, DEFAULT_PACKAGE_LIMITS);
 * if (!analysis.valid) throw rejectionFor(analysis.findings);
 */
export async function analyzePackage(zipPath: string, limits: PackageLimits): Promise<PackageAnalysis> {
  const inventory = await inspectArchive(zipPath, limits);
  const paths = inventory.files.map((file) => file.path);
  const { kind, manifestPath } = detectPackageKind(paths);
  const text = await readArchiveText(zipPath, manifestPath, limits.maxManifestBytes);
  const { parsed, findings, valid } = validatePackage(kind, manifestPath, text, new Set(paths), limits);
  return { inventory, kind, manifestPath, parsed, findings, valid };
}
