/** Nearest-rank percentile of a sample, in its unit. */
export function percentile(sample: number[], p: number): number {
  if (sample.length === 0) {
    return NaN;
  }
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}

export const ms = (value: number) =>
  Number.isNaN(value) ? 'n/a' : `${value.toFixed(value < 10 ? 1 : 0)} ms`;

/** How many times smaller `value` is than `baseline`, e.g. "43×". */
export const times = (baseline: number, value: number) =>
  value > 0
    ? `${(baseline / value).toFixed(baseline / value < 10 ? 1 : 0)}×`
    : 'n/a';

export const yesNo = (ok: boolean) => (ok ? 'yes' : 'NO');

/** A plain-text table with aligned columns. */
export function table(rows: Row[]): string {
  const header: Row = {
    figure: 'figure',
    value: 'value',
    baseline: 'baseline',
    ratio: 'ratio',
    target: 'target',
    met: 'met?',
  };
  const keys = Object.keys(header) as (keyof Row)[];
  const widths = keys.map(k =>
    Math.max(...[header, ...rows].map(r => r[k].length)),
  );
  const line = (r: Row) =>
    `| ${keys.map((k, i) => r[k].padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
