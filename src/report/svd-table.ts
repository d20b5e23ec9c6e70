// Terminal output of `dlbench svd`: the accuracy table per shape, the seed slide's "N loops, median
// per loop" block, and the low-rank GEMM table. Pure functions of the results: easy to test.
import {MATRIX_DESCRIPTIONS} from '../kernels/svd/matrices.js';
import type {SvdShape} from '../kernels/svd/spec.js';
import {makeTable} from './cli-table.js';
import {fmtMs, fmtNum} from './format.js';
import type {CaseResult} from '../core/results.js';

const exp = (x: unknown, digits = 2): string => (typeof x === 'number' && Number.isFinite(x) ? x.toExponential(digits) : '—');

export function accuracyTable(rows: CaseResult[], color = false): string {
  const t = makeTable(
    ['variant', 'median', 'GEMM', 'rel. error', 'optimal', '× optimal', 'max|Δσ|/σ₁', '‖UᵀU−I‖', '‖VᵀV−I‖', 'check'],
    {color, colAligns: ['left', 'right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left']},
  );
  for (const r of rows) {
    const m = r.metrics ?? {};
    if (r.state === 'ok' || r.state === 'check-failed') {
      const median = r.state === 'ok' ? fmtMs(r.stats.medianMs) : '—';
      const ratio = typeof m.errorRatio === 'number' ? `${m.errorRatio.toFixed(4)}×` : '—';
      t.push([
        r.variant,
        median,
        String(m.gemm ?? (r.variant === 'svd/full' ? '(none)' : '—')),
        exp(m.relFrobError, 4),
        exp(m.optimalRelError, 4),
        ratio,
        exp(m.sigmaMaxRelError),
        exp(m.orthogonalityU),
        exp(m.orthogonalityV),
        r.state === 'ok' ? 'pass' : `FAIL ${r.check.detail ?? ''}`,
      ]);
    } else {
      const why = r.state === 'skipped' ? r.reason : `${r.phase}: ${r.error}`;
      t.push([r.variant, {colSpan: 8, content: why.length > 110 ? `${why.slice(0, 107)}...` : why}, r.state]);
    }
  }
  return t.toString();
}

/** The seed slide's shape: "r=15 / np.linalg.svd … N loops, best of 3: 468 ms per loop". */
export function slideBlock(rows: CaseResult[], rank: number): string {
  const lines = [`SVD benchmark r=${rank} (the seed slide measured np.linalg.svd 468 ms, sklearn randomized_svd 10.1 ms)`];
  const width = Math.max(...rows.map((r) => r.variant.length));
  for (const r of rows) {
    if (r.state !== 'ok') {
      lines.push(`  ${r.variant.padEnd(width)}  ${r.state}`);
      continue;
    }
    lines.push(
      `  ${r.variant.padEnd(width)}  ${r.stats.samples} loops, median ${fmtMs(r.stats.medianMs)} per loop (min ${fmtMs(r.stats.minMs)})`,
    );
  }
  const ok = rows.filter((r): r is Extract<CaseResult, {state: 'ok'}> => r.state === 'ok');
  const f = ok.find((r) => r.variant === 'svd/full'),
    z = ok.find((r) => r.variant.startsWith('svd/randomized'));
  if (f && z) lines.push(`  randomized is ${fmtNum(f.stats.medianMs / z.stats.medianMs)}× faster than full at rank ${rank}`);
  return lines.join('\n');
}

export interface LowRankGemmRow {
  rank: number;
  medianMs: number;
  flops: number;
  relError: number;
  /** Time of the full GEMM over this one. */
  speedup: number;
}

export function lowRankTable(fullMs: number, fullFlops: number, rows: LowRankGemmRow[], color = false): string {
  const t = makeTable(['product', 'rank', 'median', 'GFLOP', '× full', 'rel. error'], {
    color,
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right'],
  });
  t.push(['A·X (full GEMM)', '—', fmtMs(fullMs), fmtNum(fullFlops / 1e9), '1.00×', '0']);
  for (const r of rows) {
    t.push([
      'U_k(Σ_k(V_kᵀX))',
      String(r.rank),
      fmtMs(r.medianMs),
      fmtNum(r.flops / 1e9),
      `${fmtNum(r.speedup)}×`,
      exp(r.relError),
    ]);
  }
  return t.toString();
}

/** What `dlbench svd` prints for one shape: the header, the accuracy table and the slide block. */
export function svdShapeBlock(p: SvdShape, rows: CaseResult[], seed: number, color = false): string {
  return [
    `\nsvd ${p.m}x${p.n} ${p.dtype}, rank k=${p.rank}, oversampling p=${p.oversample}, power iterations q=${p.power}, seed ${seed}`,
    `test matrix '${p.matrix}': ${MATRIX_DESCRIPTIONS[p.matrix]}; errors are ‖A − U_kΣ_kV_kᵀ‖_F/‖A‖_F at k=${Math.min(p.rank, p.m, p.n)}`,
    accuracyTable(rows, color),
    slideBlock(rows, p.rank),
  ].join('\n');
}

export interface LowRankGemmResult {
  shape: string;
  cols: number;
  factors: 'full' | 'randomized';
  gemm: string;
  fullMs: number;
  rows: LowRankGemmRow[];
}

/** The low-rank GEMM study of one shape: its header and table. */
export function lowRankBlock(p: SvdShape, study: LowRankGemmResult, color = false): string {
  return [
    `\nlow-rank GEMM: A (${p.m}x${p.n}) · X (${p.n}x${study.cols}) on ${study.gemm}, factors from the ${study.factors} SVD`,
    lowRankTable(study.fullMs, 2 * p.m * p.n * study.cols, study.rows, color),
  ].join('\n');
}
