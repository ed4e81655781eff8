import type { DomainEventDelivery } from '../../shared/events/envelope.ts';
import { receivedEvent, subjectIds } from '../../shared/events/subscriber.ts';
import { logger } from '../../shared/http/logger.ts';
import { reevaluateCohorts as job } from '../../shared/jobs/manifest.ts';
import { countingFailures } from '../../shared/metrics.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import {
  reevaluateAfterMembership,
  reevaluateDepartmentRules,
  reevaluatePerson,
} from '../../shared/use-cases/cohorts.ts';

const ports = cohortPorts();

/** EventBridge rule target: a person, a department or a cohort membership changed. */
export const handler = countingFailures(job.name, async (delivery: DomainEventDelivery) => {
  const { event, actor } = receivedEvent(delivery, job.name);
  const [first = '', second = ''] = subjectIds(event.subject);
  if (event.type.startsWith('user.')) {
    const { joined, left } = await reevaluatePerson(ports, actor, first);
    if (joined.length + left.length > 0) logger.info('cohorts re-evaluated', { userId: first, joined, left });
  } else if (event.type === 'department.updated') {
    const moved =
      JSON.stringify(event.data.before?.ancestorIds) !== JSON.stringify(event.data.after?.ancestorIds);
    if (moved) await reevaluateDepartmentRules(ports, actor);
  } else {
    await reevaluateAfterMembership(ports, actor, first, second);
  }
});
