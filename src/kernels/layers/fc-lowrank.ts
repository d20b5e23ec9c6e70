// Fully-connected layer with factored weights (layer/fc-lowrank-<engine>): W ≈ U·V from a truncated
// SVD (U IN×rank with Σ folded in, V rank×OUT), y = (x·U)·V + b as two engine calls, 2·N·rank·(IN+OUT)
// FLOPs instead of 2·N·IN·OUT. Still bound by streaming the weights at N = 1, but there are fewer of
// them. Checked against the factors themselves (the truncation error is reported, not judged here).
import {createRng, deriveSeed, fillUniform} from '../../core/rng.js';
import type {CheckResult, KernelVariant, OpSpec} from '../../core/types.js';
import type {GemmEngine, GemmExecutor} from '../gemm/engine.js';
import {U32} from '../gemm/spec.js';
import {fcForward, type FcCall} from './fc.js';

export interface FcLowRankShape {
  kind: 'fc';
  n: number;
  in: number;
  out: number;
  rank: number;
}

export interface FcLowRankInputs {
  /** N×IN. */
  x: Float32Array;
  /** IN×rank row-major. */
  u: Float32Array;
  /** rank×OUT row-major. */
  v: Float32Array;
  bias?: Float32Array;
}

/** float64 (x·U)·V + b and its rounding scale (|x|·|U|)·|V| + |b|, per output. */
export function fcLowRankReference(
  p: FcLowRankShape,
  {x, u, v, bias}: FcLowRankInputs,
): {ref: Float64Array; scale: Float64Array} {
  const ref = new Float64Array(p.n * p.out),
    scale = new Float64Array(p.n * p.out);
  const t = new Float64Array(p.rank),
    ta = new Float64Array(p.rank);
  for (let r = 0; r < p.n; r++) {
    t.fill(0);
    ta.fill(0);
    for (let i = 0; i < p.in; i++) {
      const xi = x[r * p.in + i];
      if (xi === 0) continue;
      for (let k = 0; k < p.rank; k++) {
        const y = xi * u[i * p.rank + k];
        t[k] += y;
        ta[k] += Math.abs(y);
      }
    }
    for (let j = 0; j < p.out; j++) {
      let s = bias ? bias[j] : 0,
        a = Math.abs(s);
      for (let k = 0; k < p.rank; k++) {
        s += t[k] * v[k * p.out + j];
        a += ta[k] * Math.abs(v[k * p.out + j]);
      }
      ref[r * p.out + j] = s;
      scale[r * p.out + j] = a;
    }
  }
  return {ref, scale};
}

export const fcLowRankSpec: OpSpec<FcLowRankShape, FcLowRankInputs, Float32Array> = {
  op: 'layer',
  describe: (p) => `fc:${p.n}x${p.in}x${p.out}@r${p.rank}`,
  flops: (p) => 2 * p.n * p.rank * (p.in + p.out) + p.n * p.out,
  macs: (p) => p.n * p.rank * (p.in + p.out),
  bytes: (p) => 4 * (p.n * p.in + p.rank * (p.in + p.out) + p.out + p.n * p.out),
  memoryBytes: (p) => 4 * (p.n * p.in + p.rank * (p.in + p.out) + p.out + p.n * (p.out + p.rank)) + 16 * p.n * p.out,
  makeInputs(p, seed) {
    const rand = (len: number, i: number): Float32Array => {
      const a = new Float32Array(len);
      fillUniform(a, createRng(deriveSeed(seed, i)));
      return a;
    };
    return {x: rand(p.n * p.in, 0), u: rand(p.in * p.rank, 1), v: rand(p.rank * p.out, 2), bias: rand(p.out, 3)};
  },
  check(p, inputs, out, opts = {}): CheckResult {
    // Two sums in sequence: IN terms into x·U, then rank terms (plus the bias) into the output.
    const tolerance = (opts.toleranceScale ?? 1) * (p.in + p.rank + 3) * U32;
    if (out.length !== p.n * p.out)
      return {
        pass: false,
        method: 'shape',
        error: Infinity,
        tolerance,
        detail: `output has ${out.length} values, expected ${p.n * p.out}`,
      };
    const {ref, scale} = fcLowRankReference(p, inputs);
    let worst = 0,
      at = 0;
    for (let i = 0; i < ref.length; i++) {
      const e = Number.isFinite(out[i]) ? Math.abs(out[i] - ref[i]) / Math.max(scale[i], Number.MIN_VALUE) : Infinity;
      if (!(e <= worst)) {
        worst = e;
        at = i;
      }
    }
    const pass = worst <= tolerance;
    return {
      pass,
      method: 'reference-f64 of the factors',
      error: worst,
      tolerance,
      ...(pass ? {} : {detail: `largest error at output ${at}`}),
    };
  },
};

interface State {
  call: FcCall;
  exec: GemmExecutor;
}

export function makeFcLowRank(engine: GemmEngine): KernelVariant<FcLowRankShape, FcLowRankInputs, Float32Array, State> {
  return {
    id: `layer/fc-lowrank-${engine.id.replace(/^gemm\//, '')}`,
    op: 'layer',
    backend: engine.id.includes('native') ? 'native' : 'js',
    summary: `fully-connected with truncated-SVD weights: y = (x·U)·V + b as two ${engine.id} calls`,
    params: {gemm: engine.id},
    spec: fcLowRankSpec,
    available: (caps) => engine.available(caps),
    async prepare(p, inputs, opts) {
      const exec = await engine.create({
        threads: opts.threads,
        maxM: p.n,
        maxN: Math.max(p.out, p.rank),
        maxK: Math.max(p.in, p.rank),
      });
      return {
        exec,
        call: {
          n: p.n,
          in: p.in,
          out: p.out,
          x: inputs.x,
          weights: {kind: 'factors', u: inputs.u, v: inputs.v, rank: p.rank},
          bias: inputs.bias,
          y: new Float32Array(p.n * p.out),
          scratch: new Float32Array(p.n * p.rank),
        },
      };
    },
    run: (st) => fcForward(st.exec, st.call),
    dispose: (st) => st.exec.dispose?.(),
  };
}
