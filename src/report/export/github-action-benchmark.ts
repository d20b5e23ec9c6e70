// github-action-benchmark's "custom" tools: a JSON array of {name, unit, value, range, extra}.
// customSmallerIsBetter tracks the median time; customBiggerIsBetter tracks GFLOP/s.
// Only measured (ok) cases: the action has no notion of a skipped benchmark.
import {caseKey, finite, isOk} from '../cases.js';
import type {Report} from '../../core/results.js';

interface GabEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

function extra(r: {stats: {samples: number}; backend: string; check: {method: string}}): string {
  return `samples: ${r.stats.samples}\nbackend: ${r.backend}\ncheck: ${r.check.method}`;
}

export function toGabSmallerIsBetter(report: Report): string {
  const out: GabEntry[] = report.results
    .filter(isOk)
    .filter((r) => finite(r.stats.medianMs) !== undefined)
    .map((r) => ({
      name: caseKey(r),
      unit: 'ms',
      value: r.stats.medianMs,
      range: `± ${((r.stats.rmePct * r.stats.medianMs) / 100).toPrecision(3)}`,
      extra: extra(r),
    }));
  return JSON.stringify(out, null, 2) + '\n';
}

export function toGabBiggerIsBetter(report: Report): string {
  const out: GabEntry[] = report.results
    .filter(isOk)
    .filter((r) => finite(r.gflops) !== undefined)
    .map((r) => ({
      name: caseKey(r),
      unit: 'GFLOP/s',
      value: r.gflops,
      extra: extra(r),
    }));
  return JSON.stringify(out, null, 2) + '\n';
}
