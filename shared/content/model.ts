/**
 * What a parsed package manifest says, the same shape for SCORM 1.2, SCORM 2004, cmi5 and xAPI (tincan.xml):
 * the LMS stores it with the course version and launches from it.
 */
import type { Finding } from './findings.ts';

export type PackageKind = 'scorm' | 'cmi5' | 'xapi';

export type PackageStandard =
  | 'scorm12'
  | 'scorm2004-2nd'
  | 'scorm2004-3rd'
  | 'scorm2004-4th'
  | 'cmi5'
  | 'xapi';

/** One node of an organization's activity tree (SCORM item; cmi5 block or AU). */
export interface Item {
  identifier: string;
  title: string;
  /** The resource this item launches; absent on folders (items with children). */
  identifierref?: string;
  /** SCORM `parameters`, appended to the resource href at launch. */
  parameters?: string;
  /** SCORM `isvisible` (default true): hidden items still launch, they are just not shown in the menu. */
  isvisible: boolean;
  /**
   * Passing score as a fraction 0..1. SCORM 1.2 `adlcp:masteryscore` (0-100) is divided by 100; SCORM 2004
   * takes the primary objective's `imsss:minNormalizedMeasure`; cmi5 the AU's `masteryScore`.
   */
  masteryScore?: number;
  /** SCORM 1.2 `adlcp:prerequisites` (an AICC script expression, evaluated by the runtime). */
  prerequisites?: string;
  /** SCORM `adlcp:datafromlms` / `adlcp:dataFromLMS`: launch data handed to the SCO. */
  dataFromLms?: string;
  /** SCORM `adlcp:maxtimeallowed` (1.2) or `imsss:limitConditions/@attemptAbsoluteDurationLimit` (2004). */
  maxTimeAllowed?: string;
  /** SCORM `adlcp:timelimitaction` / `adlcp:timeLimitAction`. */
  timeLimitAction?: string;
  children: Item[];
}

export interface Organization {
  id: string;
  title: string;
  items: Item[];
}

export interface Resource {
  identifier: string;
  /** IMS CP type, usually `webcontent`. */
  type: string;
  /** SCORM role: a SCO talks to the runtime API, an asset does not. Absent when the manifest does not say. */
  scormType?: 'sco' | 'asset';
  /** Launch file as written (relative to xmlBase). */
  href?: string;
  /** `<file href>` values, resolved against xml:base to package paths. */
  files: string[];
  /** Identifiers of the resources this one depends on. */
  dependencies: string[];
  /** The resource's effective xml:base (manifest, resources and resource bases joined), if any. */
  xmlBase?: string;
}

/** A cmi5 assignable unit. */
export interface Cmi5Au {
  id: string;
  title: string;
  /** As written: relative to the package root, or an absolute URL. */
  url: string;
  launchMethod: 'AnyWindow' | 'OwnWindow';
  moveOn: 'Passed' | 'Completed' | 'CompletedAndPassed' | 'CompletedOrPassed' | 'NotApplicable';
  /** 0..1 */
  masteryScore?: number;
  activityType?: string;
  launchParameters?: string;
  /** Ids of the blocks containing this AU, outermost first. */
  blockIds: string[];
}

export interface Launch {
  /** Package-relative URL (xml:base and item parameters applied) or an absolute URL. */
  url: string;
  itemIdentifier?: string;
  resourceIdentifier?: string;
}

export interface ParsedPackage {
  standard: PackageStandard;
  title: string;
  identifier?: string;
  organizations: Organization[];
  defaultOrganization?: string;
  resources: Resource[];
  /** First launchable leaf of the default organization (depth-first); the first AU / activity otherwise. */
  launch: Launch | null;
  /**
   * Everything a learner may launch, in course order: SCORM the default organization's items that launch a
   * resource, cmi5 its AUs, xAPI its activities with a launch. `launch` is the first.
   */
  launches: Launch[];
  /** SCORM: resources of scormType `sco`. cmi5: AUs. xAPI: activities with a launch. */
  scoCount: number;
  /** SCORM 2004 `imsss:sequencing` anywhere (rules the runtime must honour). */
  hasSequencing: boolean;
  /** cmi5 only, in course order. */
  aus?: Cmi5Au[];
  findings: Finding[];
}

export interface ParseOptions {
  /**
   * The package's file paths. `undefined` skips every file-existence check (manifest-only parsing, as for the
   * ADL conformance manifests whose files live elsewhere).
   */
  files?: ReadonlySet<string>;
  /** Path of the manifest in the package, used in findings. @default the kind's file name at the root */
  manifestPath?: string;
  /** @default DEFAULT_PACKAGE_LIMITS.maxManifestBytes */
  maxBytes?: number;
  /** @default DEFAULT_PACKAGE_LIMITS.maxXmlDepth */
  maxDepth?: number;
}
