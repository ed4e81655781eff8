/**
 * xAPI (Tin Can) packages: `tincan.xml` lists activities; the first one with a `<launch>` is the course, the
 * others (objectives, interactions) are metadata for the LRS. Storyline, Rise, Captivate and iSpring publish
 * this shape.
 */
import { checkFlash, checkLaunchUrl, FindingList, type PackageFiles } from './checks.ts';
import type { Item, ParsedPackage, Resource } from './model.ts';
import { attr, child, children, textOf, type XmlDocument, type XmlElement } from './xml.ts';

export const TINCAN_NAMESPACE = 'http://projecttincan.com/tincan.xsd';

interface Activity {
  id: string;
  type: string;
  name: string;
  launch: string;
}

/** Parses `tincan.xml` already turned into an element tree (see parseXml). */
export function parseTincan(document: XmlDocument, files: PackageFiles, manifestPath: string): ParsedPackage {
  const findings = new FindingList();
  const { root } = document;
  if (root.name !== 'tincan') {
    findings.error(
      'invalid-manifest',
      `${manifestPath} has root element <${root.name}>; an xAPI package manifest starts with <tincan>`,
      { file: manifestPath, element: root.name },
    );
  }
  const activitiesElement = child(root, 'activities');
  const activities = (activitiesElement ? children(activitiesElement, 'activity') : []).map(readActivity);
  const launchable = activities.filter((activity) => activity.launch);
  const first = launchable[0];
  if (!first) {
    findings.error(
      'no-launchable-resource',
      'no <activity> in tincan.xml has a <launch>: there is nothing to launch',
      {
        file: manifestPath,
        element: 'tincan/activities',
      },
    );
  }
  for (const activity of launchable) checkLaunch(activity, findings, files, manifestPath);
  checkFlash(
    findings,
    files,
    launchable.map((activity) => activity.launch),
    manifestPath,
  );

  const title =
    first?.name || activities.find((activity) => activity.name)?.name || first?.id || 'Untitled course';
  const items: Item[] = launchable.map((activity) => ({
    identifier: activity.id,
    title: activity.name,
    identifierref: activity.id,
    isvisible: true,
    children: [],
  }));
  const resources: Resource[] = launchable.map((activity) => ({
    identifier: activity.id,
    type: activity.type || 'xapi-activity',
    href: activity.launch,
    files: [],
    dependencies: [],
  }));
  return {
    standard: 'xapi',
    title,
    ...(first?.id ? { identifier: first.id } : {}),
    organizations: first ? [{ id: first.id, title, items }] : [],
    ...(first?.id ? { defaultOrganization: first.id } : {}),
    resources,
    launch: first ? { url: first.launch, itemIdentifier: first.id, resourceIdentifier: first.id } : null,
    launches: launchable.map((activity) => ({
      url: activity.launch,
      itemIdentifier: activity.id,
      resourceIdentifier: activity.id,
    })),
    scoCount: launchable.length,
    hasSequencing: false,
    findings: findings.items,
  };
}

function readActivity(element: XmlElement): Activity {
  return {
    id: attr(element, 'id')?.trim() ?? '',
    type: attr(element, 'type')?.trim() ?? '',
    name: children(element, 'name').map(textOf).find(Boolean) ?? '',
    launch: textOf(child(element, 'launch')),
  };
}

function checkLaunch(
  activity: Activity,
  findings: FindingList,
  files: PackageFiles,
  manifestPath: string,
): void {
  const element = `activity[id=${activity.id}]/launch`;
  if (!activity.id) {
    findings.error('missing-activity-id', `the activity launching "${activity.launch}" has no id attribute`, {
      file: manifestPath,
      element: 'activity/@id',
    });
  }
  checkLaunchUrl(`activity "${activity.id}"`, activity.launch, element, { findings, files, manifestPath });
}
