import type { Context, SQSEvent } from 'aws-lambda';
import { logger } from '../../shared/http/logger.ts';
import { runImport as job } from '../../shared/jobs/manifest.ts';
import { countingFailures } from '../../shared/metrics.ts';
import { importRunPorts } from '../../shared/store/import-wiring.ts';
import { ImportWorkMessage } from '../../shared/store/import-work.ts';
import { runApply, runUndo } from '../../shared/use-cases/imports/apply.ts';

const ports = { ...importRunPorts(), logger };

/** Time kept back from Lambda's timeout to save the checkpoint and hand over. */
const MARGIN_MS = 60_000;

/**
 * The imports queue: one message is one run of an import's apply or undo. A run with work left hands over
 * by sending the next message; an error is thrown so SQS delivers the message again (and, after its last
 * attempt, to the dead-letter queue), and the next run takes over from the checkpoint.
 */
export const handler = countingFailures(job.name, async (event: SQSEvent, context?: Context) => {
  for (const message of event.Records) {
    const { importId, step } = ImportWorkMessage.parse(JSON.parse(message.body));
    const remaining = context?.getRemainingTimeInMillis?.() ?? (job.timeoutSeconds ?? 60) * 1000;
    const deadline = Date.now() + Math.max(10_000, remaining - MARGIN_MS);
    const run = `${message.messageId}`;
    const outcome = await (step === 'apply' ? runApply : runUndo)(ports, importId, run, { deadline });
    logger.info('import run', { importId, step, outcome });
    if (outcome === 'continue') await ports.work.start(importId, step);
  }
});
