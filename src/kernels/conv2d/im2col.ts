// Rung 2: im2col + GEMM, one variant per GEMM engine (conv2d/im2col-blocked, -native…): the
// convolution becomes (K/g)×(C/g·R·S) · (C/g·R·S)×(P·Q) per image and group (NCHW), or
// (P·Q)×(R·S·C) · (R·S·C)×K (NHWC; per-tap GEMMs over a channel slice when grouped).
// Trades memory (the patch matrix is R·S/stride² times the input) for the engine's speed;
// the bottleneck is the GEMM itself, plus one memory-bound unfolding pass. 1×1/stride-1 skips it.
import type {Availability, KernelVariant} from '../../core/types.js';
import type {GemmCall, GemmEngine, GemmExecutor} from '../gemm/engine.js';
import {loadNative} from '../../native/loader.js';
import {activeIm2col, type Im2colImpl} from './im2col-js.js';
import {addBias, convSizes, convSpec, outDims, type ConvInputs, type ConvShape} from './spec.js';

interface State {
  p: ConvShape;
  inputs: ConvInputs;
  out: Float32Array;
  col: Float32Array;
  direct: boolean;
  exec: GemmExecutor;
  im2col: Im2colImpl;
  threads: number;
  /** The bias pass: in C with the native im2col (a JS pass was measurable on AlexNet's conv1), else JS. */
  bias: (out: Float32Array) => void;
}

/** A 1×1, stride-1, unpadded filter reads the input as the patch matrix itself. */
export function isPointwise(p: ConvShape): boolean {
  return p.r === 1 && p.s === 1 && p.stride === 1 && p.pad === 0;
}

async function call(exec: GemmExecutor, g: GemmCall): Promise<void> {
  const r = exec.gemm(g);
  if (r) await r;
}

export async function convIm2col(st: State): Promise<Float32Array> {
  const {
    p,
    inputs: {x, w},
    out,
    col,
    exec,
  } = st;
  const {P, Q} = outDims(p);
  const PQ = P * Q,
    cg = p.c / p.groups,
    kg = p.k / p.groups;
  const imageIn = p.c * p.h * p.w,
    imageOut = p.k * PQ;
  for (let n = 0; n < p.n; n++) {
    const src = st.direct ? x : col;
    const srcOffset = st.direct ? n * imageIn : 0;
    if (!st.direct) (p.layout === 'nchw' ? st.im2col.nchw : st.im2col.nhwc)(x, n * imageIn, p, col, st.threads);
    if (p.layout === 'nchw') {
      const kk = cg * p.r * p.s;
      for (let g = 0; g < p.groups; g++) {
        await call(exec, {
          m: kg,
          n: PQ,
          k: kk,
          a: w,
          aOffset: g * kg * kk,
          lda: kk,
          b: src,
          bOffset: srcOffset + g * kk * PQ,
          ldb: PQ,
          c: out,
          cOffset: n * imageOut + g * kg * PQ,
          ldc: PQ,
        });
      }
    } else if (p.groups === 1) {
      await call(exec, {m: PQ, n: p.k, k: p.r * p.s * p.c, a: src, aOffset: srcOffset, b: w, c: out, cOffset: n * imageOut});
    } else {
      // Grouped NHWC: a group's channels are a slice of every tap's C values, so accumulate one
      // GEMM per tap over that slice (strided A, RSCK weights read in place).
      const rsc = p.r * p.s * p.c;
      for (let g = 0; g < p.groups; g++) {
        for (let t = 0; t < p.r * p.s; t++) {
          await call(exec, {
            m: PQ,
            n: kg,
            k: cg,
            a: src,
            aOffset: srcOffset + t * p.c + g * cg,
            lda: rsc,
            b: w,
            bOffset: t * cg * p.k + g * kg,
            ldb: p.k,
            c: out,
            cOffset: n * imageOut + g * kg,
            ldc: p.k,
            beta: t > 0 ? 1 : 0,
          });
        }
      }
    }
  }
  st.bias(out);
  return out;
}

function biasPass(p: ConvShape, bias: Float32Array | undefined, threads: number, native: boolean): (out: Float32Array) => void {
  const n = native && bias ? loadNative() : undefined;
  if (!n?.ok || !bias) return (out) => addBias(p, out, bias);
  const {P, Q} = outDims(p);
  const addon = n.addon,
    layout = p.layout === 'nhwc' ? 1 : 0;
  // NHWC output is (N·P·Q) pixels × K channels: the same broadcast as a 1×1 NHWC bias add.
  return (out) => addon.biasAdd(threads, layout, p.n, p.k, P, Q, out, bias, out);
}

export function engineShortName(engine: GemmEngine): string {
  return engine.id.replace(/^gemm\//, '');
}

export function makeIm2col(engine: GemmEngine): KernelVariant<ConvShape, ConvInputs, Float32Array, State> {
  return {
    id: `conv2d/im2col-${engineShortName(engine)}`,
    op: 'conv2d',
    backend: engine.backend,
    summary: `im2col unfolding (NCHW: (C·R·S)×(P·Q); NHWC: (P·Q)×(R·S·C)), then ${engine.id} per image and group`,
    params: {gemm: engine.id},
    spec: convSpec,
    available: (caps): Availability => engine.available(caps),
    metrics(p) {
      const bytes = isPointwise(p) ? 0 : 4 * convSizes.im2colPerImage(p);
      return {
        gemm: engine.id,
        im2col: isPointwise(p) ? 'none (1x1)' : activeIm2col().name,
        im2colBytes: bytes,
        im2colExpansion: bytes / (4 * p.c * p.h * p.w),
      };
    },
    async prepare(p, inputs, opts) {
      const {P, Q} = outDims(p);
      const direct = isPointwise(p);
      const exec = await engine.create({
        threads: opts.threads,
        maxM: Math.max(p.k, P * Q),
        maxN: Math.max(p.k, P * Q),
        maxK: p.c * p.r * p.s,
      });
      const im2col = activeIm2col();
      return {
        p,
        inputs,
        out: new Float32Array(convSizes.output(p)),
        col: new Float32Array(direct ? 0 : convSizes.im2colPerImage(p)),
        direct,
        exec,
        im2col,
        threads: opts.threads,
        bias: biasPass(p, inputs.bias, opts.threads, im2col.name === 'native'),
      };
    },
    run: (st) => convIm2col(st),
    dispose: (st) => st.exec.dispose?.(),
  };
}
