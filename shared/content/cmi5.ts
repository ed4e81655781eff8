/**
 * cmi5 `cmi5.xml` (course structure, https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd): the course,
 * its blocks and assignable units (AUs) in course order. The first AU is what "start" launches.
 */
import { checkFlash, checkLaunchUrl, FindingList, type PackageFiles } from './checks.ts';
import type { Cmi5Au, Item, ParsedPackage, Resource } from './model.ts';
import { attr, child, children, textOf, type XmlDocument, type XmlElement } from './xml.ts';

export const CMI5_NAMESPACE = 'https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd';

const LAUNCH_METHODS = ['AnyWindow', 'OwnWindow'] as const;
const MOVE_ON = ['Passed', 'Completed', 'CompletedAndPassed', 'CompletedOrPassed', 'NotApplicable'] as const;

/** An AU as findings name it: `element` path and a quoted label for messages. */
interface AuName {
  here: string;
  label: string;
}

interface Context {
  findings: FindingList;
  files: PackageFiles;
  manifestPath: string;
  aus: Cmi5Au[];
  ids: Set<string>;
}

/** Parses a cmi5 course structure already turned into an element tree (see parseXml). */
export function parseCmi5(document: XmlDocument, files: PackageFiles, manifestPath: string): ParsedPackage {
  const context: Context = { findings: new FindingList(), files, manifestPath, aus: [], ids: new Set() };
  const { findings } = context;
  const { root } = document;
  const where = { file: manifestPath, element: root.name };
  if (root.name !== 'courseStructure') {
    findings.error(
      'invalid-manifest',
      `${manifestPath} has root element <${root.name}>; a cmi5 course structure starts with <courseStructure>`,
      where,
    );
  } else if (root.namespace !== CMI5_NAMESPACE) {
    findings.warning(
      'unexpected-namespace',
      `<courseStructure> is in namespace "${root.namespace}"; cmi5 expects "${CMI5_NAMESPACE}"`,
      where,
    );
  }
  const course = child(root, 'course');
  const courseId = course ? attr(course, 'id')?.trim() : undefined;
  if (!course || !courseId) {
    findings.error(
      'missing-course-id',
      course
        ? '<course> has no id attribute (an IRI identifying the course)'
        : 'the course structure has no <course>',
      { file: manifestPath, element: 'courseStructure/course' },
    );
  }
  const title = langString(course ? child(course, 'title') : undefined) || courseId || 'Untitled course';
  const items = parseChildren(root, [], context);
  const { aus } = context;

  const first = aus[0];
  if (!first) {
    findings.error(
      'no-launchable-resource',
      'the course structure has no <au>: there is nothing to launch',
      where,
    );
  }
  checkFlash(
    findings,
    files,
    aus.map((au) => au.url),
    manifestPath,
  );
  const resources: Resource[] = aus.map((au) => ({
    identifier: au.id,
    type: 'cmi5-au',
    href: au.url,
    files: [],
    dependencies: [],
  }));
  return {
    standard: 'cmi5',
    title,
    ...(courseId ? { identifier: courseId } : {}),
    organizations: [{ id: courseId ?? '', title, items }],
    ...(courseId ? { defaultOrganization: courseId } : {}),
    resources,
    launch: first?.url ? { url: first.url, itemIdentifier: first.id, resourceIdentifier: first.id } : null,
    launches: aus.map((au) => ({ url: au.url, itemIdentifier: au.id, resourceIdentifier: au.id })),
    scoCount: aus.length,
    hasSequencing: false,
    aus,
    findings: findings.items,
  };
}

/** `<au>` and `<block>` children, in document order (the course order the learner sees). */
function parseChildren(parent: XmlElement, blockIds: string[], context: Context): Item[] {
  const items: Item[] = [];
  for (const element of parent.children) {
    if (element.name === 'au') items.push(parseAu(element, blockIds, context));
    else if (element.name === 'block') items.push(parseBlock(element, blockIds, context));
  }
  return items;
}

function parseBlock(element: XmlElement, blockIds: string[], context: Context): Item {
  const id = attr(element, 'id')?.trim() ?? '';
  const title = langString(child(element, 'title'));
  if (!id) {
    context.findings.error('missing-block-id', `block "${title}" has no id attribute`, {
      file: context.manifestPath,
      element: 'block',
    });
  } else {
    noteId(id, 'block', context);
  }
  const nested = parseChildren(element, [...blockIds, id], context);
  if (nested.length === 0) {
    context.findings.error('empty-block', `block "${id || title}" contains no AU or block`, {
      file: context.manifestPath,
      element: `block[id=${id}]`,
    });
  }
  return { identifier: id, title, isvisible: true, children: nested };
}

function parseAu(element: XmlElement, blockIds: string[], context: Context): Item {
  const { findings, manifestPath } = context;
  const id = attr(element, 'id')?.trim() ?? '';
  const title = langString(child(element, 'title'));
  const here = id ? `au[id=${id}]` : 'au';
  /** How messages name the AU. */
  const label = `"${id || title || 'untitled'}"`;
  if (!id) {
    findings.error('missing-au-id', `AU "${title}" has no id attribute (an IRI identifying the AU)`, {
      file: manifestPath,
      element: here,
    });
  } else {
    noteId(id, 'AU', context);
  }
  const launchMethod = enumAttribute(
    element,
    'launchMethod',
    LAUNCH_METHODS,
    'AnyWindow',
    { here, label },
    context,
  );
  const moveOn = enumAttribute(element, 'moveOn', MOVE_ON, 'NotApplicable', { here, label }, context);
  const url = textOf(child(element, 'url'));
  checkAuUrl(url, { here, label }, context);

  const au: Cmi5Au = { id, title, url, launchMethod, moveOn, blockIds: blockIds.filter(Boolean) };
  const mastery = attr(element, 'masteryScore')?.trim();
  if (mastery !== undefined && mastery !== '') {
    const score = Number(mastery);
    if (Number.isFinite(score) && score >= 0 && score <= 1) au.masteryScore = score;
    else {
      findings.error(
        'invalid-mastery-score',
        `AU ${label} has masteryScore "${mastery}"; it must be a decimal from 0 to 1`,
        {
          file: manifestPath,
          element: `${here}/@masteryScore`,
        },
      );
    }
  }
  const activityType = attr(element, 'activityType')?.trim();
  if (activityType) au.activityType = activityType;
  const launchParameters = child(element, 'launchParameters')?.text.trim();
  if (launchParameters) au.launchParameters = launchParameters;
  context.aus.push(au);

  const item: Item = { identifier: id, title, identifierref: id, isvisible: true, children: [] };
  if (au.masteryScore !== undefined) item.masteryScore = au.masteryScore;
  return item;
}

function checkAuUrl(url: string, { here, label }: AuName, context: Context): void {
  const element = `${here}/url`;
  if (!url) {
    context.findings.error('missing-launch-file', `AU ${label} has no <url>: there is nothing to launch`, {
      file: context.manifestPath,
      element,
    });
    return;
  }
  checkLaunchUrl(`AU ${label}`, url, element, context);
}

function enumAttribute<T extends string>(
  element: XmlElement,
  name: string,
  allowed: readonly T[],
  fallback: T,
  { here, label }: AuName,
  context: Context,
): T {
  const raw = attr(element, name)?.trim();
  if (raw === undefined || raw === '') return fallback;
  const match = allowed.find((value) => value === raw);
  if (match) return match;
  context.findings.error(
    'invalid-au-attribute',
    `AU ${label} has ${name}="${raw}"; expected one of ${allowed.join(', ')}`,
    { file: context.manifestPath, element: `${here}/@${name}` },
  );
  return fallback;
}

function noteId(id: string, what: string, context: Context): void {
  if (context.ids.has(id)) {
    context.findings.error('duplicate-identifier', `${what} id "${id}" is used more than once`, {
      file: context.manifestPath,
      element: `${what.toLowerCase()}[id=${id}]`,
    });
  }
  context.ids.add(id);
}

/** A cmi5 text element: the first non-empty `<langstring>` (content authors rarely translate). */
function langString(element: XmlElement | undefined): string {
  if (!element) return '';
  return children(element, 'langstring').map(textOf).find(Boolean) ?? textOf(element);
}
