// Terminal tables (cli-table3): one per op, rows in plan order, speedups against the op's
// first rung measured at the same shape in the same run.
import {makeTable} from './cli-table.js';
import {allOps} from '../core/registry.js';
import {HIGH_SPREAD} from '../measure/stats.js';
import {fmtMs, fmtNum, fmtPct} from './format.js';
import type {CaseResult, Report} from './schema.js';

function verdict(r: CaseResult): string {
  switch (r.state) {
    case 'ok': return `pass ${r.check.error.toExponential(1)}`;
    case 'check-failed': return `FAIL ${r.check.error.toExponential(1)} > ${r.check.tolerance.toExponential(1)}`;
    case 'errored': return `ERROR (${r.phase})`;
    case 'skipped': return 'skipped';
  }
}

/** The median of the op's baseline rung (its first variant) at each shape, when measured. */
function baselines(results: CaseResult[], baselineId: string | undefined): Map<string, number> {
  const map = new Map<string, number>();
  for (const r of results) if (r.state === 'ok' && r.variant === baselineId) map.set(r.shapeText, r.stats.medianMs);
  return map;
}

export function renderTables(report: Report, opts: {color?: boolean} = {}): string {
  const out: string[] = [];
  const ops = [...new Set(report.results.map((r) => r.op))];
  let noisy = false;
  const notes: string[] = [];
  for (const op of ops) {
    const rows = report.results.filter((r) => r.op === op);
    const baseId = allOps().find((o) => o.name === op)?.variants[0]?.id;
    const base = baselines(rows, baseId);
    const shortBase = baseId?.split('/')[1] ?? 'baseline';
    const table = makeTable(['shape', 'variant', 'median', '±rme', 'GFLOP/s', 'AI', `× ${shortBase}`, 'check'],
      {color: opts.color, colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left']});
    for (const r of rows) {
      if (r.state === 'ok') {
        const b = base.get(r.shapeText);
        const flag = r.highSpread ? ' !' : '';
        noisy ||= r.highSpread;
        table.push([r.shapeText, r.variant, fmtMs(r.stats.medianMs), fmtPct(r.stats.rmePct) + flag, fmtNum(r.gflops), fmtNum(r.ai),
          b === undefined ? '—' : `${fmtNum(b / r.stats.medianMs)}×`, verdict(r)]);
      } else {
        const why = r.state === 'skipped' ? r.reason : r.state === 'errored' ? r.error : r.check.detail ?? '';
        let note = notes.indexOf(why);
        if (note < 0) note = notes.push(why) - 1;
        table.push([r.shapeText, r.variant, '—', '—', '—', fmtNum(r.ai), '—', `${verdict(r)} [${note + 1}]`]);
      }
    }
    out.push(`${op}${report.interrupted ? ' (interrupted: partial results)' : ''}`, table.toString());
  }
  notes.forEach((n, i) => out.push(`[${i + 1}] ${n}`));
  if (noisy) out.push(`! spread IQR/median above ${HIGH_SPREAD * 100}%: the machine was noisy; rerun or raise --time.`);
  return out.join('\n');
}
