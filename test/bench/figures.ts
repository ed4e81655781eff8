/** Benchmark figures: one printed line each, in the form CI and docs/benchmarks.md share. */
export interface Figure {
  id: string;
  value: number;
  unit: string;
  op: '<=' | '>=';
  target: number;
  /** One sentence: what was measured against what. */
  note: string;
}

export function passes(figure: Figure): boolean {
  return figure.op === '<=' ? figure.value <= figure.target : figure.value >= figure.target;
}

/** `bench <id> <value> <unit> target <op><number> <ok|MISS>` */
export function formatFigure(figure: Figure): string {
  return `bench ${figure.id} ${round(figure.value)} ${figure.unit} target ${figure.op}${formatTarget(figure)} ${passes(figure) ? 'ok' : 'MISS'}`;
}

/** A whole ratio reads as one (`>=1.0`, "as fast as"), not as a count; other targets as they are. */
export function formatTarget(figure: Figure): string {
  return figure.unit === 'x' && Number.isInteger(figure.target)
    ? figure.target.toFixed(1)
    : String(figure.target);
}

export function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/**
 * The handler against its raw baseline, called alternately (which goes first alternates, so neither always
 * follows the other) after a warm-up: per round, p50(handler) / p50(raw); answered as the median over rounds,
 * with the median p50 of each in ms.
 */
export async function interleavedP50Ratio(
  viaHandler: () => Promise<void>,
  raw: () => Promise<void>,
  { warmup, rounds, perRound }: { warmup: number; rounds: number; perRound: number },
): Promise<{ ratio: number; handlerP50: number; rawP50: number }> {
  for (let i = 0; i < warmup; i++) {
    await viaHandler();
    await raw();
  }
  const ratios: number[] = [];
  const handlerP50s: number[] = [];
  const rawP50s: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const handlerTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let i = 0; i < perRound; i++) {
      const pair = i % 2 === 0 ? [viaHandler, raw] : [raw, viaHandler];
      for (const step of pair) {
        const started = performance.now();
        await step();
        (step === raw ? rawTimes : handlerTimes).push(performance.now() - started);
      }
    }
    handlerP50s.push(percentile(handlerTimes, 50));
    rawP50s.push(percentile(rawTimes, 50));
    ratios.push(percentile(handlerTimes, 50) / percentile(rawTimes, 50));
  }
  return { ratio: median(ratios), handlerP50: median(handlerP50s), rawP50: median(rawP50s) };
}
