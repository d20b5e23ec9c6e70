// `dlbench tune`: a short search around the blocking model's choice on this machine. Every
// micro-kernel shape the CPU runs starts at its model blocks; then, from the best so far, one
// block at a time is scaled (KC, NC, MC) or the thread split switched, until the budget is spent.
// Each candidate is checked against the reference before it is timed (a wrong answer is never
// fast), and timed as the best of a few calls per size: the score is the geometric mean GFLOP/s.
// On one thread the time is the process's CPU time, which other processes on a shared machine
// do not inflate; on more it is wall time. A search on a noisy machine finds lucky samples, so
// the winner is timed again, interleaved with the model's choice, and kept only if it still wins.
import {createRng, fillUniform} from '../../core/rng.js';
import type {KernelInfo, NativeAddon} from '../../native/loader.js';
import {SPLIT_CODE, type Blocking, type Split} from './native-blocking.js';
import {modelChoice, nativeCaches, requireAddon, runnableKernels} from './native.js';
import {tuneFingerprint, TUNE_VERSION, type Tuned} from './native-tuned.js';
import {gemmSpec} from './spec.js';

export interface TuneTrial {
  symbol: string;
  blocking: Blocking;
  /** Where the candidate came from: 'model' or the change from the best so far. */
  from: string;
  check: 'pass' | 'fail';
  /** GFLOP/s per size (empty when the check failed), and their geometric mean. */
  gflops: number[];
  score: number;
}

export interface TuneResult {
  tuned: Tuned;
  trials: TuneTrial[];
  modelBest: TuneTrial;
  /** Whether the search's winner lost the confirmation round to the model's choice. */
  modelKept: boolean;
  elapsedS: number;
}

export interface TuneOptions {
  budgetS: number;
  sizes: number[];
  threads: number;
  /** Timed calls per size per candidate (best of). */
  reps?: number;
  onTrial?: (t: TuneTrial) => void;
}

/** An odd shape that crosses every edge of the candidate's blocks: MR/NR edges, two KC and MC blocks. */
function checkShape(k: KernelInfo, b: Blocking): {m: number; n: number; k: number} {
  return {m: Math.min(2 * b.mc, 4 * k.mr) + k.mr + 1, n: 2 * k.nr + 3, k: Math.min(b.kc + 5, 700)};
}

function runOnce(
  addon: NativeAddon,
  sym: string,
  b: Blocking,
  threads: number,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  bb: Float32Array,
  c: Float32Array,
): void {
  addon.sgemmWith(sym, b.mc, b.kc, b.nc, SPLIT_CODE[b.split], threads, m, n, k, a, 0, k, 0, bb, 0, n, 0, c, 0, n, 0);
}

/** Whether the candidate computes C right on a shape that exercises its block edges. */
function checkCandidate(addon: NativeAddon, k: KernelInfo, b: Blocking, threads: number): boolean {
  const small: Blocking = {...b, mc: Math.min(b.mc, 2 * k.mr), kc: Math.min(b.kc, 64), nc: Math.min(b.nc, 2 * k.nr)};
  for (const bk of [small, b]) {
    const p = checkShape(k, bk);
    const inputs = gemmSpec.makeInputs(p, 7);
    const c = new Float32Array(p.m * p.n).fill(Number.NaN);
    runOnce(addon, k.symbol, bk, threads, p.m, p.n, p.k, inputs.a, inputs.b, c);
    if (!gemmSpec.check(p, inputs, c, {seed: 7}).pass) return false;
  }
  return true;
}

const geomean = (xs: number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

/** Neighbours of a blocking: each block scaled down and up, and the other thread splits. */
function neighbours(k: KernelInfo, b: Blocking, threads: number): {blocking: Blocking; from: string}[] {
  const out: {blocking: Blocking; from: string}[] = [];
  const round = (x: number, q: number): number => Math.max(q, Math.round(x / q) * q);
  for (const f of [0.75, 1.5, 0.5, 2]) {
    out.push({blocking: {...b, kc: round(b.kc * f, 16)}, from: `KC ×${f}`});
    out.push({blocking: {...b, nc: round(b.nc * f, k.nr)}, from: `NC ×${f}`});
  }
  out.push({blocking: {...b, mc: round(b.mc * 0.5, k.mr)}, from: 'MC ×0.5'});
  if (threads > 1)
    for (const split of ['columns', 'rows'] as Split[])
      if (split !== b.split) out.push({blocking: {...b, split}, from: `split ${split}`});
  return out;
}

export function tune(opts: TuneOptions): TuneResult {
  const addon = requireAddon();
  const t0 = performance.now();
  const elapsed = (): number => (performance.now() - t0) / 1000;
  const reps = opts.reps ?? 3;
  const kernels = runnableKernels();
  // The widest ISA's tiles only: a narrower ISA's kernel is never the fastest where a wider one runs.
  const isa = kernels[0]?.isa;
  const shapes = kernels.filter((k) => k.isa === isa);
  const data = opts.sizes.map((n) => {
    const rng = createRng(n);
    const a = new Float32Array(n * n),
      b = new Float32Array(n * n);
    fillUniform(a, rng);
    fillUniform(b, rng);
    return {n, a, b, c: new Float32Array(n * n)};
  });
  const seen = new Set<string>();
  const trials: TuneTrial[] = [];

  const timeOne = (k: KernelInfo, blocking: Blocking, d: (typeof data)[number]): number => {
    if (opts.threads === 1) {
      const c0 = process.cpuUsage();
      runOnce(addon, k.symbol, blocking, 1, d.n, d.n, d.n, d.a, d.b, d.c);
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    }
    const s = performance.now();
    runOnce(addon, k.symbol, blocking, opts.threads, d.n, d.n, d.n, d.a, d.b, d.c);
    return performance.now() - s;
  };
  const gflopsOf = (d: (typeof data)[number], ms: number): number => (2 * d.n ** 3) / (Math.max(ms, 1e-3) * 1e6);

  const tryOne = (k: KernelInfo, blocking: Blocking, from: string): TuneTrial | undefined => {
    const key = `${k.symbol} ${blocking.mc} ${blocking.kc} ${blocking.nc} ${blocking.split}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const ok = checkCandidate(addon, k, blocking, opts.threads);
    const gflops: number[] = [];
    if (ok)
      for (const d of data) {
        let best = Infinity;
        for (let r = 0; r < reps; r++) best = Math.min(best, timeOne(k, blocking, d));
        gflops.push(gflopsOf(d, best));
      }
    const t: TuneTrial = {symbol: k.symbol, blocking, from, check: ok ? 'pass' : 'fail', gflops, score: ok ? geomean(gflops) : 0};
    trials.push(t);
    opts.onTrial?.(t);
    return t;
  };

  // Every shape at its model blocks first (the model's own choice is the ISA default, shapes[0]).
  for (const k of shapes) {
    if (trials.length > 0 && elapsed() > opts.budgetS) break;
    tryOne(k, modelChoice(k).blocking, 'model');
  }
  const passing = (): TuneTrial[] => trials.filter((t) => t.check === 'pass');
  const bestOf = (): TuneTrial => passing().reduce((a, b) => (b.score > a.score ? b : a));
  if (passing().length === 0) throw new Error('dlbench tune: no candidate passed the check before timing');
  // Coordinate search from the best so far until the budget is spent or nothing new is left.
  let frontier = true;
  while (frontier && elapsed() < opts.budgetS) {
    frontier = false;
    const best = bestOf();
    const k = shapes.find((x) => x.symbol === best.symbol) as KernelInfo;
    for (const nb of neighbours(k, best.blocking, opts.threads)) {
      if (elapsed() >= opts.budgetS) break;
      const t = tryOne(k, nb.blocking, nb.from);
      if (t) frontier = true;
      if (t && t.score > best.score) break; // move to the new best
    }
  }
  const found = bestOf();
  const modelBest = trials[0];
  // Confirmation: the winner and the model's choice, interleaved, best of twice the reps each.
  let best = found;
  let modelScore = modelBest.score;
  if (found !== modelBest && modelBest.check === 'pass') {
    const kf = shapes.find((x) => x.symbol === found.symbol) as KernelInfo,
      km = shapes[0];
    const fBest = data.map(() => Infinity),
      mBest = data.map(() => Infinity);
    for (let r = 0; r < 2 * reps; r++)
      data.forEach((d, i) => {
        mBest[i] = Math.min(mBest[i], timeOne(km, modelBest.blocking, d));
        fBest[i] = Math.min(fBest[i], timeOne(kf, found.blocking, d));
      });
    const fScore = geomean(data.map((d, i) => gflopsOf(d, fBest[i])));
    modelScore = geomean(data.map((d, i) => gflopsOf(d, mBest[i])));
    best = fScore >= modelScore ? {...found, score: fScore} : {...modelBest, score: modelScore};
  }
  const tuned: Tuned = {
    tuneVersion: TUNE_VERSION,
    fingerprint: tuneFingerprint(nativeCaches(), kernels),
    tunedAt: new Date().toISOString(),
    budgetS: opts.budgetS,
    sizes: opts.sizes,
    threads: opts.threads,
    best: {symbol: best.symbol, ...best.blocking, gflops: best.score},
    model: {symbol: modelBest.symbol, gflops: modelScore > 0 ? modelScore : Number.MIN_VALUE},
    tried: trials.length,
  };
  return {
    tuned,
    trials,
    modelBest,
    modelKept: best.symbol === modelBest.symbol && best.blocking === modelBest.blocking && found !== modelBest,
    elapsedS: elapsed(),
  };
}
