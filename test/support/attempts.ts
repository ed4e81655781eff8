/**
 * A launched SCORM 1.2 attempt written straight to the table, with its launch token: for tests and benches
 * of the runtime API that are not about launching.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Attempt } from '../../shared/domain/attempt.ts';
import { startSession } from '../../shared/runtime/cmi/index.ts';
import type { AttemptRepository } from '../../shared/use-cases/ports.ts';

export async function writeLaunchedAttempt(
  attempts: Pick<AttemptRepository, 'save'>,
  overrides: Partial<Attempt> = {},
): Promise<{ attempt: Attempt; token: string }> {
  const token = `lms_launch_${randomBytes(32).toString('base64url')}`;
  const now = new Date();
  const attempt: Attempt = {
    id: randomUUID(),
    courseId: randomUUID(),
    userId: randomUUID(),
    contentVersion: 1,
    standard: 'scorm12',
    scoId: 'ITEM-1',
    preview: false,
    launchedBy: randomUUID(),
    status: 'launched',
    launchedAt: now.toISOString(),
    initializedAt: null,
    loadMs: null,
    pageLoadMs: null,
    endedAt: null,
    seq: 0,
    outcome: { completion: 'not attempted', success: 'unknown', scoreScaled: null, totalSeconds: 0 },
    errors: [],
    errorCount: 0,
    version: 1,
    ...overrides,
  };
  const cmi = startSession('scorm12', {
    learner: { id: attempt.userId, name: 'Learner, Test' },
    entry: 'ab-initio',
    credit: 'credit',
    mode: 'normal',
  });
  await attempts.save(
    {
      attempt,
      cmi,
      contentUrl: 'http://localhost/index.html',
      tokenHash: createHash('sha256').update(token).digest('hex'),
      tokenExpiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
      lastCommit: null,
    },
    null,
  );
  return { attempt, token };
}
