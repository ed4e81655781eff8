/**
 * The local gateway's request log: how many answers it sent each minute, and how many of them were 4xx and
 * 5xx, for the last {@link REQUEST_LOG_MINUTES} minutes (in memory, bounded whatever the traffic). GET
 * /admin/status reads its error rate from here on one machine, as it reads API Gateway's metrics from
 * CloudWatch in AWS. The gateway runs the handlers in its own process, so both see this one module; in Lambda
 * nothing records here.
 */

export const REQUEST_LOG_MINUTES = 24 * 60;

interface MinuteCounts {
  requests: number;
  clientErrors: number;
  serverErrors: number;
}

const MINUTE_MS = 60_000;
const minutes = new Map<number, MinuteCounts>();

/** Notes one answer of the gateway. */
export function recordRequest(status: number, at: Date = new Date()): void {
  const minute = Math.floor(at.getTime() / MINUTE_MS);
  const counts = minutes.get(minute) ?? { requests: 0, clientErrors: 0, serverErrors: 0 };
  counts.requests++;
  if (status >= 400 && status < 500) counts.clientErrors++;
  if (status >= 500) counts.serverErrors++;
  minutes.set(minute, counts);
  for (const old of minutes.keys()) if (old <= minute - REQUEST_LOG_MINUTES) minutes.delete(old);
}

/** The answers sent in the minutes from `since`'s to `until`'s, both included (as CloudWatch sums a period). */
export function requestCounts(since: Date, until: Date): MinuteCounts {
  const first = Math.floor(since.getTime() / MINUTE_MS);
  const last = Math.floor(until.getTime() / MINUTE_MS);
  const total = { requests: 0, clientErrors: 0, serverErrors: 0 };
  for (const [minute, counts] of minutes) {
    if (minute < first || minute > last) continue;
    total.requests += counts.requests;
    total.clientErrors += counts.clientErrors;
    total.serverErrors += counts.serverErrors;
  }
  return total;
}
