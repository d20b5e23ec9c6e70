// One row per case (RFC 4180: quoted where needed, CRLF-free), every state included, so a
// spreadsheet sees skipped and failed cases too. Metric columns are the union over the rows.
import {finite} from '../cases.js';
import type {CaseResult, Report} from '../../core/results.js';

/**
 * A text cell that a spreadsheet would read as a formula (OWASP CSV injection: it starts with
 * = + - @, tab or CR) gets a leading apostrophe, so `=cmd|...` from a hostile file stays text.
 * Numbers are written as numbers: a negative number is not a formula.
 */
export function csvCell(x: unknown): string {
  if (x === undefined || x === null) return '';
  let s = typeof x === 'number' ? (Number.isFinite(x) ? String(x) : '') : String(x);
  if (typeof x !== 'number' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const FIXED: [string, (r: CaseResult) => unknown][] = [
  ['op', (r) => r.op],
  ['variant', (r) => r.variant],
  ['backend', (r) => r.backend],
  ['shape', (r) => r.shapeText],
  ['state', (r) => r.state],
  ['median_ms', (r) => (r.state === 'ok' ? r.stats.medianMs : undefined)],
  ['mean_ms', (r) => (r.state === 'ok' ? r.stats.meanMs : undefined)],
  ['min_ms', (r) => (r.state === 'ok' ? r.stats.minMs : undefined)],
  ['p75_ms', (r) => (r.state === 'ok' ? r.stats.p75Ms : undefined)],
  ['p99_ms', (r) => (r.state === 'ok' ? r.stats.p99Ms : undefined)],
  ['iqr_ms', (r) => (r.state === 'ok' ? r.stats.iqrMs : undefined)],
  ['rme_pct', (r) => (r.state === 'ok' ? r.stats.rmePct : undefined)],
  ['samples', (r) => (r.state === 'ok' ? r.stats.samples : undefined)],
  ['gflops', (r) => (r.state === 'ok' ? finite(r.gflops) : undefined)],
  ['flops', (r) => r.flops],
  ['bytes', (r) => r.bytes],
  ['ai', (r) => r.ai],
  ['pct_of_peak', (r) => (r.state === 'ok' ? r.roof?.pctOfPeak : undefined)],
  ['check_error', (r) => (r.state === 'ok' || r.state === 'check-failed' ? r.check.error : undefined)],
  ['net', (r) => r.layer?.net],
  ['layer_index', (r) => r.layer?.index],
  ['layer_name', (r) => r.layer?.name],
  ['layer_type', (r) => r.layer?.type],
  [
    'reason',
    (r) =>
      r.state === 'skipped'
        ? r.reason
        : r.state === 'errored'
          ? `${r.phase}: ${r.error}`
          : r.state === 'check-failed'
            ? r.check.detail
            : undefined,
  ],
];

export function toCsv(report: Report): string {
  const metricKeys = [...new Set(report.results.flatMap((r) => Object.keys(r.metrics ?? {})))].sort();
  const head = [...FIXED.map(([h]) => h), ...metricKeys.map((k) => `metric_${k}`)];
  const lines = [head.map(csvCell).join(',')];
  for (const r of report.results) {
    lines.push([...FIXED.map(([, f]) => csvCell(f(r))), ...metricKeys.map((k) => csvCell(r.metrics?.[k]))].join(','));
  }
  return lines.join('\n') + '\n';
}
