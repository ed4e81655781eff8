/** Builds the runtime ports once per cold start: attempts, enrollments, the catalog, content versions. */
import { dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { emitLoadTime } from '../metrics.ts';
import type { PerformanceDeps } from '../use-cases/course-performance.ts';
import { attemptProgressOf, type RuntimeDeps, type XapiLauncher } from '../use-cases/runtime.ts';
import { type Cmi5Deps, startCmi5Session } from '../xapi/cmi5-session.ts';
import { DynamoAttemptRepository, PERFORMANCE_ATTEMPTS_LIMIT } from './attempt-store.ts';
import { DynamoCatalogRepository } from './catalog-store.ts';
import { DynamoContentRepository } from './content-store.ts';
import { enrollmentPorts } from './enrollment-wiring.ts';
import { DynamoLrsStore } from './xapi-store.ts';

/** @param options.contentDelivery the function launches (needs where content is served) */
export function runtimePorts(options: { contentDelivery?: boolean } = {}): RuntimeDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  const deps: RuntimeDeps = {
    ...enrollmentPorts(),
    attempts: new DynamoAttemptRepository(client, tableName),
    contents: new DynamoContentRepository(client, tableName),
    contentBaseUrl: options.contentDelivery ? requireSetting('contentBaseUrl') : '',
    recordLoadTime: emitLoadTime,
  };
  if (options.contentDelivery) {
    deps.xapi = xapiLauncher({
      store: new DynamoLrsStore(client, tableName),
      progress: attemptProgressOf(deps),
      runtime: deps.runtime,
    });
  }
  return deps;
}

/** cmi5 and xAPI launches: the LRS session, the LMS's statements and launch data, the AU's URL. */
function xapiLauncher(lrs: Cmi5Deps): XapiLauncher {
  return {
    start: ({ attempt, content, au, apiBaseUrl, now, contentBaseUrl }) =>
      startCmi5Session(lrs, {
        attemptId: attempt.id,
        courseId: attempt.courseId,
        userId: attempt.userId,
        contentVersion: attempt.contentVersion,
        preview: attempt.preview,
        standard: attempt.standard === 'cmi5' ? 'cmi5' : 'xapi',
        courseStructureId: content.courseStructureId ?? au.identifier,
        au: {
          id: au.identifier,
          url: new URL(au.url, `${contentBaseUrl}/${attempt.courseId}/v${attempt.contentVersion}/`).href,
          // An xAPI activity has no moveOn: it reports completed or passed itself.
          moveOn: au.moveOn ?? 'CompletedOrPassed',
          launchMethod: au.launchMethod ?? 'AnyWindow',
          ...(au.masteryScore !== undefined ? { masteryScore: au.masteryScore } : {}),
          ...(au.launchParameters !== undefined ? { launchParameters: au.launchParameters } : {}),
        },
        auIds: content.launchables.map((each) => each.identifier),
        notApplicableAuIds: content.launchables
          .filter((each) => each.moveOn === 'NotApplicable')
          .map((each) => each.identifier),
        // The learner as the LMS knows them: their LMS id, on the LMS's own home page (never their email).
        actor: { objectType: 'Agent', account: { homePage: apiBaseUrl, name: attempt.userId } },
        apiBaseUrl,
        now,
      }),
  };
}

export function performancePorts(): PerformanceDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  return {
    catalog: new DynamoCatalogRepository(client, tableName),
    attempts: new DynamoAttemptRepository(client, tableName),
    runtime: enrollmentPorts().runtime,
    limit: PERFORMANCE_ATTEMPTS_LIMIT,
  };
}
