/**
 * SCORM `imsmanifest.xml` (1.2 and 2004 2nd/3rd/4th edition): version, organizations and their item trees,
 * resources, launch URL, and the findings that decide whether the package can be imported.
 *
 * Elements are matched by local name whatever their prefix (manifests use a default namespace, `imscp:`, or
 * none at all); prefixed extension elements (`adlcp:`, `imsss:`) by local name too, because real manifests
 * bind those prefixes inconsistently. Namespaces are read for what they tell: the SCORM version.
 */
import { checkFlash, FindingList, type PackageFiles } from './checks.ts';
import type { Item, Launch, Organization, PackageStandard, ParsedPackage, Resource } from './model.ts';
import { applyParameters, isWebUrl, type ResolvedHref, resolveHref } from './paths.ts';
import {
  attr,
  child,
  children,
  descendants,
  textOf,
  XML_NAMESPACE,
  type XmlDocument,
  type XmlElement,
} from './xml.ts';

export const SCORM_NAMESPACES = {
  /** IMS Content Packaging 1.1.2, as bound by SCORM 1.2 manifests. */
  imscp12: 'http://www.imsproject.org/xsd/imscp_rootv1p1p2',
  /** IMS Content Packaging 1.1.4, as bound by SCORM 2004 manifests (all editions). */
  imscp2004: 'http://www.imsglobal.org/xsd/imscp_v1p1',
  adlcp12: 'http://www.adlnet.org/xsd/adlcp_rootv1p2',
  adlcp2004: 'http://www.adlnet.org/xsd/adlcp_v1p3',
  imsss: 'http://www.imsglobal.org/xsd/imsss',
  adlseq: 'http://www.adlnet.org/xsd/adlseq_v1p3',
  adlnav: 'http://www.adlnet.org/xsd/adlnav_v1p3',
} as const;

/** How many `file-unlisted` paths are reported one by one before they are summarised in one finding. */
const UNLISTED_DETAIL_LIMIT = 5;

/**
 * Files a package carries for validators, never for learners, so not expected in any `<file>` list: XML
 * schemas, DTDs, and Visual Studio's schema layout files (.xsx, found in the Rustici golf examples).
 */
const SCHEMA_FILE = /\.(xsd|dtd|xsx)$/i;

/** What zip tools add on their own (macOS resource forks, Finder and Explorer caches): never course content. */
const OS_NOISE = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;

interface Context {
  findings: FindingList;
  files: PackageFiles;
  manifestPath: string;
  /** Resources whose launch href was already checked (several items may launch one resource). */
  launchChecked: Set<string>;
}

/** Parses a SCORM manifest already turned into an element tree (see parseXml). */
export function parseScorm(document: XmlDocument, files: PackageFiles, manifestPath: string): ParsedPackage {
  const context: Context = { findings: new FindingList(), files, manifestPath, launchChecked: new Set() };
  const { findings } = context;
  const root = document.root;
  if (root.name !== 'manifest') {
    findings.error(
      'invalid-manifest',
      `${manifestPath} has root element <${root.name}>; an IMS content package manifest starts with <manifest>`,
      { file: manifestPath, element: root.name },
    );
  }
  const standard = detectScormStandard(document, context);

  const manifestBase = attr(root, 'base', { namespace: XML_NAMESPACE });
  const resourcesElement = child(root, 'resources');
  const resourcesBase = resourcesElement
    ? attr(resourcesElement, 'base', { namespace: XML_NAMESPACE })
    : undefined;
  const resources = parseResources(resourcesElement, [manifestBase, resourcesBase], context);
  const resourceById = new Map<string, ParsedResource>();
  for (const resource of resources) {
    if (!resource.identifier) continue;
    if (resourceById.has(resource.identifier)) {
      findings.warning(
        'duplicate-identifier',
        `resource identifier "${resource.identifier}" is used twice; items referencing it launch the first one`,
        { file: manifestPath, element: `resource[identifier=${resource.identifier}]` },
      );
      continue;
    }
    resourceById.set(resource.identifier, resource);
  }
  // Items may point at a (rarely used) sub-manifest instead of a resource: not dangling, but not supported.
  const subManifests = new Set(
    children(root, 'manifest')
      .map((element) => attr(element, 'identifier'))
      .filter((id): id is string => Boolean(id)),
  );

  const organizationsElement = child(root, 'organizations');
  const collection = sequencingCollection(root);
  const organizations = parseOrganizations(organizationsElement, standard, collection, context);
  const requestedDefault = organizationsElement ? attr(organizationsElement, 'default')?.trim() : undefined;
  const defaultOrganization = chooseDefaultOrganization(organizations, requestedDefault, context);

  const launchTargets = checkItemReferences(organizations, resourceById, subManifests, context);
  checkScoResources(resources, launchTargets, context);
  const launch = chooseLaunch(defaultOrganization, organizations, resources, resourceById, context);
  checkListedFiles(resources, context);
  checkUnlistedFiles(root, resources, context);
  checkFlash(
    findings,
    files,
    resources.flatMap((resource) => [...resource.files, ...(resource.href ? [resource.href] : [])]),
    manifestPath,
  );

  const hasSequencing =
    descendants(root, 'sequencing').some(isSequencingElement) ||
    descendants(root, 'sequencingCollection').length > 0;
  if (standard === 'scorm12') {
    findings.warning(
      'scorm12-suspend-data-risk',
      'SCORM 1.2 limits cmi.suspend_data to 4,096 characters: a long course that saves a lot of state can lose ' +
        "the learner's resume point; prefer a SCORM 2004 or cmi5 export when the authoring tool offers one",
      { file: manifestPath },
    );
  }
  if (hasSequencing) {
    findings.warning(
      'sequencing-present',
      'the package defines SCORM 2004 sequencing rules (imsss:sequencing); the player applies them at launch',
      { file: manifestPath, element: 'imsss:sequencing' },
    );
  }

  const defaultOrg = organizations.find((organization) => organization.id === defaultOrganization);
  const title =
    defaultOrg?.title ||
    organizations.find((organization) => organization.title)?.title ||
    lomTitle(root) ||
    attr(root, 'identifier')?.trim() ||
    'Untitled package';
  const identifier = attr(root, 'identifier')?.trim();
  return {
    standard,
    title,
    ...(identifier ? { identifier } : {}),
    organizations,
    ...(defaultOrganization !== undefined ? { defaultOrganization } : {}),
    resources: resources.map(({ resolvedHref: _resolved, ...resource }) => resource),
    launch,
    launches: launchesOf(launch, defaultOrganization, organizations, resourceById),
    scoCount: resources.filter((resource) => resource.scormType === 'sco').length,
    hasSequencing,
    findings: findings.items,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Version

type SchemaVersionClass = PackageStandard | 'scorm2004' | undefined;

/**
 * `<metadata><schemaversion>` values the ADL specs define: "1.2" (SCORM 1.2), "CAM 1.3" (2004 2nd edition;
 * early 2004 packages also wrote "1.3"), "2004 3rd Edition", "2004 4th Edition". Matched loosely (case,
 * spacing, a "SCORM " prefix) because authoring tools vary.
 */
export function classifySchemaVersion(value: string): SchemaVersionClass {
  const version = value.toLowerCase().replace(/\s+/g, ' ').trim();
  if (version === '') return undefined;
  if (/2004/.test(version)) {
    if (/(2nd|second)/.test(version)) return 'scorm2004-2nd';
    if (/(3rd|third)/.test(version)) return 'scorm2004-3rd';
    if (/(4th|fourth)/.test(version)) return 'scorm2004-4th';
    return 'scorm2004';
  }
  if (/(^|\s)(cam )?1\.3(\.\d+)?$/.test(version)) return 'scorm2004-2nd';
  if (/(^|\s)(cam )?1\.2(\.\d+)?$/.test(version)) return 'scorm12';
  return undefined;
}

/**
 * Decides the SCORM version from two sources of evidence:
 *
 * 1. `<schemaversion>`, which names the edition (namespaces cannot: 2004 2nd, 3rd and 4th editions all bind
 *    the same adlcp_v1p3 / imsss / adlseq_v1p3 / adlnav_v1p3 namespaces, as the corpus's 3rd-edition golf
 *    examples show).
 * 2. The namespaces, which say which schema the manifest was written against: adlcp_rootv1p2 (or the
 *    imscp_rootv1p1p2 content-packaging namespace) is SCORM 1.2; adlcp_v1p3, imsss, adlseq or adlnav is 2004.
 *
 * Agreeing or only one present: it decides. They disagree on 1.2 versus 2004: the namespaces win (they decide
 * which attributes, scormtype or scormType, the manifest really uses) with a `scorm-version-conflict` warning.
 * 2004 without a recognised edition: 4th when 4th-edition-only markup is present (shared data `adlcp:data`,
 * `adlseq:objectives`, `adlcp:sharedDataGlobalToSystem`, progress-weighted `adlcp:completionThreshold`), else
 * 3rd, the most common edition in circulation. Neither: SCORM 1.2, the most widespread (and a 2004 SCO finds
 * no API_1484_11 and says so), with `scorm-version-unknown`.
 */
function detectScormStandard(document: XmlDocument, context: Context): PackageStandard {
  const { root, namespaceUris } = document;
  const metadata = child(root, 'metadata');
  const schemaVersion = textOf(metadata ? child(metadata, 'schemaversion') : undefined);
  const declared = classifySchemaVersion(schemaVersion);
  const uris = namespaceUris;
  const says2004 =
    uris.has(SCORM_NAMESPACES.adlcp2004) ||
    uris.has(SCORM_NAMESPACES.imsss) ||
    uris.has(SCORM_NAMESPACES.adlseq) ||
    uris.has(SCORM_NAMESPACES.adlnav);
  const says12 = !says2004 && (uris.has(SCORM_NAMESPACES.adlcp12) || uris.has(SCORM_NAMESPACES.imscp12));
  const where = { file: context.manifestPath, element: 'metadata/schemaversion' };

  if (declared === 'scorm12' && says2004) {
    context.findings.warning(
      'scorm-version-conflict',
      `<schemaversion> says "${schemaVersion}" but the manifest uses SCORM 2004 namespaces; treated as SCORM 2004`,
      where,
    );
    return edition2004(root);
  }
  if (declared !== undefined && declared !== 'scorm12' && says12) {
    context.findings.warning(
      'scorm-version-conflict',
      `<schemaversion> says "${schemaVersion}" but the manifest uses SCORM 1.2 namespaces; treated as SCORM 1.2`,
      where,
    );
    return 'scorm12';
  }
  if (declared === 'scorm2004') return edition2004(root);
  if (declared !== undefined) return declared;

  const detail = schemaVersion ? `"${schemaVersion}" is not a SCORM <schemaversion>` : 'no <schemaversion>';
  if (says2004 || uris.has(SCORM_NAMESPACES.imscp2004)) {
    const standard = edition2004(root);
    context.findings.warning(
      'scorm-version-unknown',
      `${detail}; treated as ${standard === 'scorm2004-4th' ? 'SCORM 2004 4th' : 'SCORM 2004 3rd'} edition from its namespaces`,
      where,
    );
    return standard;
  }
  context.findings.warning(
    'scorm-version-unknown',
    `${detail}${says12 ? '; treated as SCORM 1.2 from its namespaces' : ' and no SCORM namespace; treated as SCORM 1.2'}`,
    where,
  );
  return 'scorm12';
}

function edition2004(root: XmlElement): PackageStandard {
  const fourthOnly =
    descendants(root, 'data').some((element) => element.namespace === SCORM_NAMESPACES.adlcp2004) ||
    descendants(root, 'objectives').some((element) => element.namespace === SCORM_NAMESPACES.adlseq) ||
    descendants(root, 'organization').some((element) =>
      element.attributes.some((attribute) => attribute.name === 'sharedDataGlobalToSystem'),
    ) ||
    descendants(root, 'completionThreshold').some((element) =>
      element.attributes.some((attribute) =>
        ['progressWeight', 'completedByMeasure', 'minProgressMeasure'].includes(attribute.name),
      ),
    );
  return fourthOnly ? 'scorm2004-4th' : 'scorm2004-3rd';
}

// ---------------------------------------------------------------------------------------------------------
// Organizations and items

function parseOrganizations(
  element: XmlElement | undefined,
  standard: PackageStandard,
  collection: ReadonlyMap<string, XmlElement>,
  context: Context,
): Organization[] {
  if (!element) return [];
  const itemIds = new Set<string>();
  return children(element, 'organization').map((organization, index) => {
    const id = attr(organization, 'identifier')?.trim() ?? '';
    const title = textOf(child(organization, 'title'));
    const path = id ? `organization[identifier=${id}]` : `organizations/organization[${index + 1}]`;
    if (!id) {
      context.findings.error(
        'missing-organization-identifier',
        `organization ${index + 1}${title ? ` ("${title}")` : ''} has no identifier attribute; every ` +
          'organization needs one so that the course structure can be tracked',
        { file: context.manifestPath, element: path },
      );
    }
    const items = children(organization, 'item').map((item, itemIndex) =>
      parseItem(item, `${path}/item[${itemIndex + 1}]`, standard, collection, itemIds, context),
    );
    return { id, title, items };
  });
}

function parseItem(
  element: XmlElement,
  path: string,
  standard: PackageStandard,
  collection: ReadonlyMap<string, XmlElement>,
  itemIds: Set<string>,
  context: Context,
): Item {
  const identifier = attr(element, 'identifier')?.trim() ?? '';
  const here = identifier ? `item[identifier=${identifier}]` : path;
  if (!identifier) {
    context.findings.error(
      'missing-item-identifier',
      `an item (${path}) has no identifier attribute; learner progress is tracked per item identifier`,
      { file: context.manifestPath, element: path },
    );
  } else if (itemIds.has(identifier)) {
    context.findings.error(
      'duplicate-identifier',
      `item identifier "${identifier}" is used more than once; learner progress is tracked per item identifier`,
      { file: context.manifestPath, element: here },
    );
  } else {
    itemIds.add(identifier);
  }
  const item: Item = {
    identifier,
    title: textOf(child(element, 'title')),
    isvisible: attr(element, 'isvisible')?.trim().toLowerCase() !== 'false',
    children: children(element, 'item').map((nested, index) =>
      parseItem(nested, `${here}/item[${index + 1}]`, standard, collection, itemIds, context),
    ),
  };
  const identifierref = attr(element, 'identifierref')?.trim();
  if (identifierref) item.identifierref = identifierref;
  const parameters = attr(element, 'parameters');
  if (parameters?.trim()) item.parameters = parameters.trim();

  const masteryScore =
    standard === 'scorm12' ? masteryScore12(element, here, context) : masteryScore2004(element, collection);
  if (masteryScore !== undefined) item.masteryScore = masteryScore;
  const prerequisites = textOf(childIgnoreCase(element, 'prerequisites'));
  if (prerequisites) item.prerequisites = prerequisites;
  const dataFromLms = childIgnoreCase(element, 'dataFromLMS')?.text.trim();
  if (dataFromLms) item.dataFromLms = dataFromLms;
  const maxTime =
    textOf(childIgnoreCase(element, 'maxtimeallowed')) || attemptDurationLimit(element, collection);
  if (maxTime) item.maxTimeAllowed = maxTime;
  const timeLimitAction = textOf(childIgnoreCase(element, 'timeLimitAction'));
  if (timeLimitAction) item.timeLimitAction = timeLimitAction;
  return item;
}

/** SCORM 1.2 `<adlcp:masteryscore>`: 0-100, returned as a 0..1 fraction. */
function masteryScore12(element: XmlElement, here: string, context: Context): number | undefined {
  const raw = textOf(childIgnoreCase(element, 'masteryscore'));
  if (!raw) return undefined;
  const score = Number(raw);
  if (!Number.isFinite(score) || score < 0 || score > 100) {
    context.findings.warning(
      'invalid-mastery-score',
      `item masteryscore "${raw}" is not a number from 0 to 100; it is ignored`,
      { file: context.manifestPath, element: `${here}/adlcp:masteryscore` },
    );
    return undefined;
  }
  return score / 100;
}

/**
 * SCORM 2004: the primary objective's `imsss:minNormalizedMeasure`, from the item's own sequencing or, failing
 * that, from the sequencingCollection entry its `IDRef` names.
 */
function masteryScore2004(
  element: XmlElement,
  collection: ReadonlyMap<string, XmlElement>,
): number | undefined {
  for (const sequencing of sequencingOf(element, collection)) {
    const objectives = child(sequencing, 'objectives');
    const primary = objectives ? child(objectives, 'primaryObjective') : undefined;
    const measure = textOf(primary ? child(primary, 'minNormalizedMeasure') : undefined);
    if (measure !== '' && Number.isFinite(Number(measure))) return Number(measure);
  }
  return undefined;
}

function attemptDurationLimit(element: XmlElement, collection: ReadonlyMap<string, XmlElement>): string {
  for (const sequencing of sequencingOf(element, collection)) {
    const limits = child(sequencing, 'limitConditions');
    const limit = limits ? attr(limits, 'attemptAbsoluteDurationLimit')?.trim() : undefined;
    if (limit) return limit;
  }
  return '';
}

/** The item's own `imsss:sequencing`, then the collection entry it references (own values take precedence). */
function sequencingOf(element: XmlElement, collection: ReadonlyMap<string, XmlElement>): XmlElement[] {
  const own = children(element, 'sequencing').filter(isSequencingElement);
  const referenced = own
    .map((sequencing) => attr(sequencing, 'IDRef')?.trim())
    .map((id) => (id ? collection.get(id) : undefined))
    .filter((found): found is XmlElement => found !== undefined);
  return [...own, ...referenced];
}

function sequencingCollection(root: XmlElement): Map<string, XmlElement> {
  const byId = new Map<string, XmlElement>();
  const collection = child(root, 'sequencingCollection');
  for (const sequencing of collection ? children(collection, 'sequencing') : []) {
    const id = attr(sequencing, 'ID')?.trim();
    if (id) byId.set(id, sequencing);
  }
  return byId;
}

function isSequencingElement(element: XmlElement): boolean {
  return element.namespace === SCORM_NAMESPACES.imsss || element.prefix === 'imsss';
}

/** SCORM 1.2 spells extension elements in lower case (`datafromlms`), 2004 in camel case (`dataFromLMS`). */
function childIgnoreCase(element: XmlElement, name: string): XmlElement | undefined {
  const wanted = name.toLowerCase();
  return element.children.find((candidate) => candidate.name.toLowerCase() === wanted);
}

function lomTitle(root: XmlElement): string {
  const metadata = child(root, 'metadata');
  const lom = metadata ? child(metadata, 'lom') : undefined;
  const general = lom ? child(lom, 'general') : undefined;
  const title = general ? child(general, 'title') : undefined;
  if (!title) return '';
  const strings = [...children(title, 'string'), ...children(title, 'langstring')];
  return strings.map(textOf).find(Boolean) ?? textOf(title);
}

function chooseDefaultOrganization(
  organizations: Organization[],
  requested: string | undefined,
  context: Context,
): string | undefined {
  if (organizations.length === 0) return undefined;
  if (requested) {
    if (organizations.some((organization) => organization.id === requested)) return requested;
    context.findings.warning(
      'unknown-default-organization',
      `<organizations default="${requested}"> names no organization; the first organization is used`,
      { file: context.manifestPath, element: 'organizations/@default' },
    );
  }
  return organizations[0]?.id || undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Resources and files

interface ParsedResource extends Resource {
  /** Where href points once xml:base is applied (undefined without href). */
  resolvedHref?: ResolvedHref;
}

function parseResources(
  element: XmlElement | undefined,
  outerBases: (string | undefined)[],
  context: Context,
): ParsedResource[] {
  if (!element) return [];
  return children(element, 'resource').map((resource, index) => {
    const identifier = attr(resource, 'identifier')?.trim() ?? '';
    if (!identifier) {
      context.findings.warning(
        'missing-resource-identifier',
        `resource ${index + 1} has no identifier; no item can launch it`,
        { file: context.manifestPath, element: `resources/resource[${index + 1}]` },
      );
    }
    const ownBase = attr(resource, 'base', { namespace: XML_NAMESPACE });
    const bases = [...outerBases, ownBase];
    const href = attr(resource, 'href')?.trim();
    const rawScormType = attr(resource, 'scormType', { ignoreCase: true })?.trim().toLowerCase();
    const scormType = rawScormType === 'sco' || rawScormType === 'asset' ? rawScormType : undefined;
    if (rawScormType && !scormType) {
      context.findings.warning(
        'invalid-scorm-type',
        `resource "${identifier}" has scormType "${rawScormType}"; expected "sco" or "asset"`,
        { file: context.manifestPath, element: `resource[identifier=${identifier}]/@adlcp:scormType` },
      );
    }
    const fileHrefs = children(resource, 'file')
      .map((file) => attr(file, 'href')?.trim())
      .filter((value): value is string => Boolean(value));
    const files = fileHrefs.map((fileHref) => {
      const resolved = resolveHref(bases, fileHref);
      return resolved.kind === 'package' ? resolved.path : resolved.url;
    });
    const xmlBase = bases.filter(Boolean).join('');
    const parsed: ParsedResource = {
      identifier,
      type: attr(resource, 'type')?.trim() ?? '',
      files,
      dependencies: children(resource, 'dependency')
        .map((dependency) => attr(dependency, 'identifierref')?.trim())
        .filter((value): value is string => Boolean(value)),
    };
    if (scormType) parsed.scormType = scormType;
    if (href) {
      parsed.href = href;
      parsed.resolvedHref = resolveHref(bases, href);
    }
    if (xmlBase) parsed.xmlBase = xmlBase;
    return parsed;
  });
}

/**
 * Every item's identifierref must name a resource, and the resource must have a launch file that exists.
 * Returns the identifiers of the resources items launch.
 */
function checkItemReferences(
  organizations: Organization[],
  resources: ReadonlyMap<string, ParsedResource>,
  subManifests: ReadonlySet<string>,
  context: Context,
): Set<string> {
  const launched = new Set<string>();
  const visit = (item: Item): void => {
    const ref = item.identifierref;
    if (ref) {
      const element = `item[identifier=${item.identifier}]/@identifierref`;
      const resource = resources.get(ref);
      if (resource) {
        launched.add(ref);
        checkLaunchHref(resource, `launched by item "${item.identifier}"`, context);
      } else if (subManifests.has(ref)) {
        context.findings.warning(
          'sub-manifest',
          `item "${item.identifier}" refers to sub-manifest "${ref}", which is not supported; the item cannot be launched`,
          { file: context.manifestPath, element },
        );
      } else {
        context.findings.error(
          'dangling-identifierref',
          `item "${item.identifier}" refers to resource "${ref}", which the manifest does not define`,
          { file: context.manifestPath, element },
        );
      }
    }
    for (const nested of item.children) visit(nested);
  };
  for (const organization of organizations) for (const item of organization.items) visit(item);
  return launched;
}

/** A SCO must have a launch file even when no item launches it (the SCORM CAM requires href on SCOs). */
function checkScoResources(
  resources: ParsedResource[],
  launched: ReadonlySet<string>,
  context: Context,
): void {
  for (const resource of resources) {
    if (resource.scormType === 'sco' && !launched.has(resource.identifier)) {
      checkLaunchHref(resource, 'a SCO', context);
    }
  }
}

function checkLaunchHref(resource: ParsedResource, role: string, context: Context): void {
  if (context.launchChecked.has(resource.identifier)) return;
  context.launchChecked.add(resource.identifier);
  const element = `resource[identifier=${resource.identifier}]/@href`;
  const resolved = resource.resolvedHref;
  if (!resolved) {
    context.findings.error(
      'missing-launch-file',
      `resource "${resource.identifier}" (${role}) has no href: there is no file to launch`,
      { file: context.manifestPath, element },
    );
    return;
  }
  if (resolved.kind === 'external') {
    if (isWebUrl(resolved.url)) {
      context.findings.warning(
        'external-url',
        `resource "${resource.identifier}" launches ${resolved.url}, outside the package: it must stay online`,
        { file: context.manifestPath, element },
      );
    } else {
      context.findings.error(
        'unsupported-launch-url',
        `resource "${resource.identifier}" launches "${resolved.url}", which is neither a package file nor a web URL`,
        { file: context.manifestPath, element },
      );
    }
    return;
  }
  if (resolved.kind === 'outside') {
    context.findings.error(
      'href-outside-package',
      `resource "${resource.identifier}" launches "${resolved.url}", which points outside the package`,
      { file: context.manifestPath, element },
    );
    return;
  }
  if (!context.files.has(resolved.path)) {
    context.findings.error(
      'missing-launch-file',
      `resource "${resource.identifier}" (${role}) launches ${context.files.missingReason(resolved.path)}`,
      { file: resolved.path, element },
    );
  }
}

/** `<file href>` entries that are not in the package: one warning per missing path, named. */
function checkListedFiles(resources: ParsedResource[], context: Context): void {
  const launchFilesReported = new Set(
    context.findings.items
      .filter((finding) => finding.code === 'missing-launch-file')
      .map((finding) => finding.file),
  );
  for (const resource of resources) {
    const element = `resource[identifier=${resource.identifier}]/file`;
    for (const path of resource.files) {
      if (isWebUrl(path)) {
        context.findings.warning(
          'external-url',
          `resource "${resource.identifier}" lists ${path}, outside the package`,
          {
            file: context.manifestPath,
            element,
          },
        );
        continue;
      }
      if (!context.files.known || context.files.has(path) || launchFilesReported.has(path)) continue;
      context.findings.warning(
        'file-missing',
        `resource "${resource.identifier}" lists ${context.files.missingReason(path)}`,
        { file: path, element },
      );
    }
  }
}

/** Package files no resource lists (besides the manifest, schema files and metadata files). */
function checkUnlistedFiles(root: XmlElement, resources: ParsedResource[], context: Context): void {
  const { files } = context;
  if (!files.paths) return;
  const listed = new Set<string>([context.manifestPath]);
  for (const resource of resources) {
    for (const path of resource.files) listed.add(path);
    if (resource.resolvedHref?.kind === 'package') listed.add(resource.resolvedHref.path);
  }
  // adlcp:location points at metadata files (1.2 and 2004), which are legitimately unlisted.
  for (const location of descendants(root, 'location')) {
    const resolved = resolveHref([], textOf(location));
    if (resolved.kind === 'package') listed.add(resolved.path);
  }
  const unlisted = [...files.paths]
    .filter((path) => !listed.has(path) && !SCHEMA_FILE.test(path) && !OS_NOISE.test(path))
    .sort();
  if (unlisted.length === 0) return;
  if (unlisted.length <= UNLISTED_DETAIL_LIMIT) {
    for (const path of unlisted) {
      context.findings.warning('file-unlisted', `"${path}" is in the package but no resource lists it`, {
        file: path,
        element: 'resources',
      });
    }
    return;
  }
  const examples = unlisted
    .slice(0, UNLISTED_DETAIL_LIMIT)
    .map((path) => `"${path}"`)
    .join(', ');
  context.findings.warning(
    'file-unlisted',
    `${unlisted.length} files in the package are not listed by any resource (for example ${examples})`,
    { file: context.manifestPath, element: 'resources' },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Launch

function chooseLaunch(
  defaultOrganization: string | undefined,
  organizations: Organization[],
  resources: ParsedResource[],
  resourceById: ReadonlyMap<string, ParsedResource>,
  context: Context,
): Launch | null {
  const where = { file: context.manifestPath, element: 'organizations' };
  if (organizations.length === 0 || organizations.every((organization) => organization.items.length === 0)) {
    // A "resource package" (no organization) is legal IMS CP; launch its first SCO, else its first resource.
    const candidate =
      resources.find((resource) => resource.scormType === 'sco' && resource.resolvedHref) ??
      resources.find((resource) => resource.resolvedHref);
    if (!candidate?.resolvedHref || candidate.resolvedHref.kind === 'outside') {
      context.findings.error(
        'no-organization-and-no-launchable-resource',
        'the manifest has no organization with items and no resource with an href: there is nothing to launch',
        where,
      );
      return null;
    }
    context.findings.warning(
      'no-organization',
      `the manifest has no organization with items; resource "${candidate.identifier}" is launched directly`,
      where,
    );
    return { url: candidate.resolvedHref.url, resourceIdentifier: candidate.identifier };
  }
  const organization =
    organizations.find((candidate) => candidate.id === defaultOrganization) ?? organizations[0];
  const launch = organization ? firstLaunchableItem(organization.items, resourceById) : null;
  if (
    !launch &&
    !context.findings.has('missing-launch-file') &&
    !context.findings.has('dangling-identifierref')
  ) {
    context.findings.error(
      'no-launchable-resource',
      `no item of organization "${organization?.id ?? ''}" launches a resource with an href: there is nothing to launch`,
      { ...where, element: `organization[identifier=${organization?.id ?? ''}]` },
    );
  }
  return launch;
}

/**
 * Depth-first, document order: what a SCORM player delivers first when the learner starts (flow navigation
 * starts at the first leaf). Items whose resource is missing or has no href are skipped.
 */
/** What a learner may launch: the default organization's launchable items, or the one resource launched. */
function launchesOf(
  launch: Launch | null,
  defaultOrganization: string | undefined,
  organizations: Organization[],
  resourceById: ReadonlyMap<string, ParsedResource>,
): Launch[] {
  const organization =
    organizations.find((candidate) => candidate.id === defaultOrganization) ?? organizations[0];
  const items = organization ? launchableItems(organization.items, resourceById) : [];
  return items.length > 0 ? items : launch ? [launch] : [];
}

function firstLaunchableItem(items: Item[], resources: ReadonlyMap<string, ParsedResource>): Launch | null {
  return launchableItems(items, resources)[0] ?? null;
}

/** Every item that launches a resource with an href in the package, depth-first in document order. */
function launchableItems(items: Item[], resources: ReadonlyMap<string, ParsedResource>): Launch[] {
  const launches: Launch[] = [];
  const stack = [...items].reverse();
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const resource = item.identifierref ? resources.get(item.identifierref) : undefined;
    const resolved = resource?.resolvedHref;
    if (resource && resolved && resolved.kind !== 'outside') {
      launches.push({
        url: applyParameters(resolved.url, item.parameters),
        itemIdentifier: item.identifier,
        resourceIdentifier: resource.identifier,
      });
    }
    for (let i = item.children.length - 1; i >= 0; i--) {
      const nested = item.children[i];
      if (nested) stack.push(nested);
    }
  }
  return launches;
}
