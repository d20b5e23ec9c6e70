// Fully-connected layer y = x·W + b as a GEMM through any engine (layer/fc-blocked, -native…):
// x is N×IN (a batch of flattened activations), W is IN×OUT row-major. At N=1 this is a
// matrix-vector product, bound by streaming W from memory; batching reuses each weight N times.
// Low-rank seam: W may be given as factors U (IN×r) and V (r×OUT), computed as (x·U)·V.
import type {Availability, KernelVariant} from '../../core/types.js';
import type {GemmEngine, GemmExecutor} from '../gemm/engine.js';
import {layerSpec, type LayerInputs, type LayerShape} from './spec.js';

export type FcWeights =
  | {kind: 'dense'; w: Float32Array}
  /** W ≈ U·V with U IN×rank and V rank×OUT (e.g. from a truncated SVD with Σ folded in). */
  | {kind: 'factors'; u: Float32Array; v: Float32Array; rank: number};

export interface FcCall {
  n: number;
  in: number;
  out: number;
  x: Float32Array;
  weights: FcWeights;
  bias?: Float32Array;
  y: Float32Array;
  /** N×rank scratch for the factored path. */
  scratch?: Float32Array;
}

export async function fcForward(exec: GemmExecutor, f: FcCall): Promise<Float32Array> {
  const wait = async (r: void | Promise<void>) => {
    if (r) await r;
  };
  if (f.weights.kind === 'dense') {
    await wait(exec.gemm({m: f.n, n: f.out, k: f.in, a: f.x, b: f.weights.w, c: f.y}));
  } else {
    const {u, v, rank} = f.weights;
    const t = f.scratch && f.scratch.length >= f.n * rank ? f.scratch : new Float32Array(f.n * rank);
    await wait(exec.gemm({m: f.n, n: rank, k: f.in, a: f.x, b: u, c: t}));
    await wait(exec.gemm({m: f.n, n: f.out, k: rank, a: t, b: v, c: f.y}));
  }
  if (f.bias) {
    for (let r = 0; r < f.n; r++) for (let j = 0; j < f.out; j++) f.y[r * f.out + j] += f.bias[j];
  }
  return f.y;
}

interface State {
  call: FcCall;
  exec: GemmExecutor;
}

const notFc = (p: LayerShape): Availability =>
  p.kind === 'fc' ? {ok: true} : {ok: false, reason: `fully-connected only (got ${p.kind})`};

export function makeFc(engine: GemmEngine): KernelVariant<LayerShape, LayerInputs, Float32Array, State> {
  return {
    id: `layer/fc-${engine.id.replace(/^gemm\//, '')}`,
    op: 'layer',
    backend: engine.backend,
    summary: `fully-connected y = x·W + b as one ${engine.id} call (N×IN · IN×OUT), bias in the epilogue`,
    params: {gemm: engine.id},
    spec: layerSpec,
    available: (caps) => engine.available(caps),
    supports: notFc,
    async prepare(p, inputs, opts) {
      if (p.kind !== 'fc') throw new Error(`layer/fc: fully-connected shapes only (got ${p.kind})`);
      const exec = await engine.create({threads: opts.threads, maxM: p.n, maxN: p.out, maxK: p.in});
      return {
        exec,
        call: {
          n: p.n,
          in: p.in,
          out: p.out,
          x: inputs.x,
          weights: {kind: 'dense', w: inputs.w!},
          bias: inputs.bias,
          y: new Float32Array(p.n * p.out),
        },
      };
    },
    run: (st) => fcForward(st.exec, st.call),
    dispose: (st) => st.exec.dispose?.(),
  };
}
