/**
 * The production AttemptProgress: how the LRS's reports reach the runtime's attempts. The runtime's launch
 * and attempts (built alongside) provide it; until they are merged this is the one placeholder, and every
 * LRS request that would report progress fails loudly rather than dropping it.
 */
import type { AttemptProgress } from '../runtime/progress.ts';

export function attemptProgress(): AttemptProgress {
  throw new Error('attemptProgress is wired by the runtime');
}
