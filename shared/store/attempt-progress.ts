/** The production AttemptProgress: the LRS's reports reach the runtime's attempts and enrollments. */
import type { AttemptProgress } from '../runtime/progress.ts';
import { attemptProgressOf } from '../use-cases/runtime.ts';
import { runtimePorts } from './runtime-wiring.ts';

export function attemptProgress(): AttemptProgress {
  return attemptProgressOf(runtimePorts());
}
