/**
 * What a learner may launch in a parsed package, with the manifest's runtime settings for each: the SCORM
 * item's mastery score, launch data and time limit; the cmi5 AU's moveOn, mastery score, launch method and
 * parameters. Stored on the content version, so a launch never reads the package again.
 */
import type { Launchable } from '../domain/content.ts';
import type { Item, ParsedPackage } from './model.ts';

export function launchablesOf(parsed: ParsedPackage): Launchable[] {
  const items = new Map<string, Item>();
  const stack = parsed.organizations.flatMap((organization) => organization.items);
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (!items.has(item.identifier)) items.set(item.identifier, item);
    stack.push(...item.children);
  }
  const aus = new Map((parsed.aus ?? []).map((au) => [au.id, au]));
  return parsed.launches.map((launch) => {
    const id = launch.itemIdentifier ?? launch.resourceIdentifier ?? launch.url;
    const item = items.get(id);
    const au = aus.get(id);
    return {
      identifier: id,
      title: au?.title ?? item?.title ?? id,
      url: launch.url,
      ...defined({
        masteryScore: au ? au.masteryScore : item?.masteryScore,
        dataFromLms: item?.dataFromLms,
        maxTimeAllowed: item?.maxTimeAllowed,
        timeLimitAction: item?.timeLimitAction,
        moveOn: au?.moveOn,
        launchMethod: au?.launchMethod,
        launchParameters: au?.launchParameters,
      }),
    };
  });
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
