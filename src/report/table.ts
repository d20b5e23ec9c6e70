// Terminal tables (cli-table3): one per op, rows in plan order, speedups against the op's
// first rung measured at the same shape in the same run.
import {makeTable} from './cli-table.js';
import {allOps} from '../kernels/registry.js';
import {HIGH_SPREAD, medianCiOf} from '../measure/stats.js';
import {fmtCi, fmtMs, fmtNum, fmtPct} from './format.js';
import {blasKernelNote} from './blas-note.js';
import type {CaseResult, OkCase, Report} from '../core/results.js';

function verdict(r: CaseResult): string {
  switch (r.state) {
    case 'ok':
      return `pass ${r.check.error.toExponential(1)}`;
    case 'check-failed':
      return `FAIL ${r.check.error.toExponential(1)} > ${r.check.tolerance.toExponential(1)}`;
    case 'errored':
      return `ERROR (${r.phase})`;
    case 'skipped':
      return 'skipped';
  }
}

/** What the spread column is: printed under every run table. */
export const CI_NOTE =
  "95% CI: where the median lies with 95% confidence (the sample's order statistics at binomial ranks, whatever the distribution), relative to the median.";

function roofCell(r: OkCase): string {
  if (!r.roof) return '—';
  const mem = r.roof.memoryLevel && r.roof.memoryLevel !== 'DRAM' ? r.roof.memoryLevel : 'mem';
  return `${fmtPct(r.roof.pctOfPeak)} ${r.roof.bound === 'memory' ? mem : 'cpu'}${r.roof.aboveRoof ? ' ⚠ above roof' : ''}`;
}

/** The median of the op's baseline rung (its first variant) at each shape, when measured. */
function baselines(results: CaseResult[], baselineId: string | undefined): Map<string, number> {
  const map = new Map<string, number>();
  for (const r of results) if (r.state === 'ok' && r.variant === baselineId) map.set(r.shapeText, r.stats.medianMs);
  return map;
}

/** GPU rows time the kernel alone; the tag says by which clock (see docs/webgpu.md, "What the timing means"). */
const TIMING_TAGS: Record<string, string> = {'timestamp-query': 'gpu-ts', 'submit-to-done': 'gpu-wall'};

/** The GPU split per variant at its largest measured shape; every row's split is in the JSON. */
function gpuFootnote(all: OkCase[]): string {
  const largest = new Map<string, OkCase>();
  for (const r of all) if (!largest.has(r.variant) || r.flops > largest.get(r.variant)!.flops) largest.set(r.variant, r);
  const rows = [...largest.values()];
  const m = (r: OkCase, k: string): string => (typeof r.metrics?.[k] === 'number' ? fmtMs(r.metrics[k] as number) : '—');
  return [
    '[gpu-ts] median = GPU kernel time from timestamp-query; [gpu-wall] = submit → onSubmittedWorkDone. Per call (medians, largest shape; all shapes in the JSON metrics):',
    ...rows.map(
      (r) =>
        `  ${r.shapeText} ${r.variant}: upload ${m(r, 'uploadMs')}, kernel ${m(r, 'kernelMs')}, readback ${m(r, 'readbackMs')}, ` +
        `end-to-end ${m(r, 'endToEndMs')}; pipeline compile ${r.metrics?.compileMs === 0 ? 'cached' : m(r, 'compileMs')}`,
    ),
  ].join('\n');
}

export function renderTables(report: Report, opts: {color?: boolean} = {}): string {
  const out: string[] = [];
  const ops = [...new Set(report.results.map((r) => r.op))];
  let noisy = false;
  const notes: string[] = [];
  const gpuRows: OkCase[] = [];
  let aboveRoof = false;
  for (const op of ops) {
    const rows = report.results.filter((r) => r.op === op);
    const baseId = allOps().find((o) => o.name === op)?.variants[0]?.id;
    const base = baselines(rows, baseId);
    const shortBase = baseId?.split('/')[1] ?? 'baseline';
    // '% peak' (of the attainable roof, with the side of the ridge) only when roofs are measured.
    const withRoof = rows.some((r) => r.state === 'ok' && r.roof);
    const table = makeTable(
      ['shape', 'variant', 'median', '95% CI', 'GFLOP/s', 'AI', `× ${shortBase}`, ...(withRoof ? ['% peak'] : []), 'check'],
      {
        color: opts.color,
        colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', ...(withRoof ? ['right' as const] : []), 'left'],
      },
    );
    for (const r of rows) {
      if (r.state === 'ok') {
        const b = base.get(r.shapeText);
        const flag = r.highSpread ? ' !' : '';
        noisy ||= r.highSpread;
        const tag = r.metrics?.timingSource ? ` [${TIMING_TAGS[String(r.metrics.timingSource)] ?? r.metrics.timingSource}]` : '';
        if (tag) gpuRows.push(r);
        table.push([
          r.shapeText,
          r.variant + tag,
          fmtMs(r.stats.medianMs),
          fmtCi(r.stats.medianMs, medianCiOf(r)) + flag,
          fmtNum(r.gflops),
          fmtNum(r.ai),
          b === undefined ? '—' : `${fmtNum(b / r.stats.medianMs)}×`,
          ...(withRoof ? [roofCell(r)] : []),
          verdict(r),
        ]);
        aboveRoof ||= r.roof?.aboveRoof ?? false;
      } else {
        const why = r.state === 'skipped' ? r.reason : r.state === 'errored' ? r.error : (r.check.detail ?? '');
        let note = notes.indexOf(why);
        if (note < 0) note = notes.push(why) - 1;
        table.push([
          r.shapeText,
          r.variant,
          '—',
          '—',
          '—',
          fmtNum(r.ai),
          '—',
          ...(withRoof ? ['—'] : []),
          `${verdict(r)} [${note + 1}]`,
        ]);
      }
    }
    out.push(`${op}${report.interrupted ? ' (interrupted: partial results)' : ''}`, table.toString());
    const blasNote = rows.some((r) => r.state === 'ok' && r.variant.includes('openblas'))
      ? blasKernelNote(report.context)
      : undefined;
    if (blasNote) out.push(blasNote);
  }
  for (const [i, n] of notes.entries()) out.push(`[${i + 1}] ${n}`);
  if (gpuRows.length) out.push(gpuFootnote(gpuRows));
  if (aboveRoof)
    out.push(
      '⚠ above roof: above measured roof: roof or timing suspect (a roof probed on a busy machine is too low); re-measure on an idle machine with `dlbench machine --refresh`.',
    );
  if (typeof report.context.roofsNote === 'string') out.push(report.context.roofsNote);
  if (ops.length) out.push(CI_NOTE);
  if (noisy) out.push(`! spread IQR/median above ${HIGH_SPREAD * 100}%: the machine was noisy; rerun or raise --time.`);
  return out.join('\n');
}
