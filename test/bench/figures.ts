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
  return `bench ${figure.id} ${round(figure.value)} ${figure.unit} target ${figure.op}${figure.target} ${passes(figure) ? 'ok' : 'MISS'}`;
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
