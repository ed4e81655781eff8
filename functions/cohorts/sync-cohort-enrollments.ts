import type { DomainEventDelivery } from '../../shared/events/envelope.ts';
import { receivedEvent, subjectIds } from '../../shared/events/subscriber.ts';
import { syncCohortEnrollments as job } from '../../shared/jobs/manifest.ts';
import { countingFailures } from '../../shared/metrics.ts';
import { cohortPorts } from '../../shared/store/cohort-wiring.ts';
import { enrollJoiner, settleLeaver } from '../../shared/use-cases/cohort-enrollment.ts';

const ports = cohortPorts();

/**
 * EventBridge rule target: someone joined or left a cohort. Events may arrive late, twice or out of order, so
 * the current membership decides, not the event: a joiner who has left since is not enrolled, and so on.
 */
export const handler = countingFailures(job.name, async (delivery: DomainEventDelivery) => {
  const { event, actor } = receivedEvent(delivery, job.name);
  const [cohortId = '', userId = ''] = subjectIds(event.subject);
  const member = (await ports.cohorts.membershipsOf(userId)).some((m) => m.cohortId === cohortId);
  if (event.type === 'cohort.member_added' && member) await enrollJoiner(ports, actor, cohortId, userId);
  if (event.type === 'cohort.member_removed' && !member) await settleLeaver(ports, actor, cohortId, userId);
});
