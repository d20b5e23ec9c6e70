// Winograd minimal filtering F(m×m, 3×3) (Lavin & Gray 2015), shared by the F(2x2) and F(4x4) rungs.
// Each α×α input tile (α = m+2) becomes V = Bᵀ·d·B, each filter U = G·g·Gᵀ (once, in prepare: the
// weights are constant at inference); the α² transformed-domain products are batched GEMMs
// M[ξ] = U[ξ] (K/g × C/g) · V[ξ] (C/g × tiles) through the GEMM engine; Y = Aᵀ·M·A gives m×m outputs.
// Multiplies fall by 9m²/α² (2.25× for F(2x2), 4× for F(4x4)); the transforms are memory-bound passes.
// This file is the JS-transform rung (winograd-*-js, and the fallback without the addon); with the
// native engine the same variants run the whole conv in C instead (winograd-native.ts).
import type {KernelVariant} from '../../core/types.js';
import type {GemmEngine, GemmExecutor} from '../gemm/engine.js';
import {fastestEngine} from '../gemm/engines.js';
import {addBias, convSizes, convSpec, outDims, type ConvInputs, type ConvShape} from './spec.js';
import {nativeIsaOf, prepareNative, runNative, type NativeWinogradState} from './winograd-native.js';

export interface WinogradMatrices {
  /** Output tile size m (α = m + 2). */
  m: number;
  /** Bᵀ, α×α. */
  bt: number[][];
  /** G, α×3. */
  g: number[][];
  /** Aᵀ, m×α. */
  at: number[][];
}

/** Nonzero (column, coefficient) pairs per row: the transforms are sparse and their zeros are free. */
type Sparse = [number, number][][];
const sparse = (mat: number[][]): Sparse =>
  mat.map((row) => row.flatMap((v, j): [number, number][] => (v === 0 ? [] : [[j, v]])));

export interface WinogradState {
  p: ConvShape;
  inputs: ConvInputs;
  out: Float32Array;
  /** Transformed filters: [group][ξ][K/g][C/g]. */
  u: Float32Array;
  v: Float32Array;
  mm: Float32Array;
  exec: GemmExecutor;
  tm: {m: number; alpha: number; bt: Sparse; at: Sparse};
}

export function winogradSupports(p: ConvShape) {
  return p.r === 3 && p.s === 3 && p.stride === 1 && p.dilation === 1
    ? {ok: true as const}
    : {
        ok: false as const,
        reason: `Winograd F(m×m,3×3) needs a 3×3 filter, stride 1, no dilation (got ${p.r}×${p.s}, stride ${p.stride}, dilation ${p.dilation})`,
      };
}

function tiles(p: ConvShape, m: number) {
  const {P, Q} = outDims(p);
  const th = Math.ceil(P / m),
    tw = Math.ceil(Q / m);
  return {P, Q, th, tw, T: th * tw};
}

/** U = G·g·Gᵀ for every filter and channel, laid out as the GEMMs' A operands. */
export function transformFilters(p: ConvShape, w: Float32Array, mat: WinogradMatrices): Float32Array {
  const alpha = mat.m + 2,
    a2 = alpha * alpha;
  const cg = p.c / p.groups,
    kg = p.k / p.groups;
  const u = new Float32Array(p.groups * a2 * kg * cg);
  const f = new Float64Array(9),
    gf = new Float64Array(alpha * 3);
  for (let k = 0; k < p.k; k++) {
    const grp = Math.floor(k / kg),
      kl = k % kg;
    for (let c = 0; c < cg; c++) {
      for (let r = 0; r < 3; r++) {
        for (let s = 0; s < 3; s++)
          f[r * 3 + s] = p.layout === 'nchw' ? w[((k * cg + c) * 3 + r) * 3 + s] : w[((r * 3 + s) * cg + c) * p.k + k];
      }
      for (let i = 0; i < alpha; i++)
        for (let s = 0; s < 3; s++) gf[i * 3 + s] = mat.g[i][0] * f[s] + mat.g[i][1] * f[3 + s] + mat.g[i][2] * f[6 + s];
      for (let i = 0; i < alpha; i++) {
        for (let j = 0; j < alpha; j++) {
          const val = gf[i * 3] * mat.g[j][0] + gf[i * 3 + 1] * mat.g[j][1] + gf[i * 3 + 2] * mat.g[j][2];
          u[((grp * a2 + i * alpha + j) * kg + kl) * cg + c] = val;
        }
      }
    }
  }
  return u;
}

/** V[ξ][c][t] = (Bᵀ·d·B)ξ for every channel of one group and every tile of image n. */
function transformInput(st: WinogradState, n: number, grp: number): void {
  const {
    p,
    tm: {m, alpha, bt},
  } = st;
  const x = st.inputs.x;
  const {th, tw, T} = tiles(p, m);
  const cg = p.c / p.groups;
  const nchw = p.layout === 'nchw';
  const cs = nchw ? p.h * p.w : 1,
    ys = nchw ? p.w : p.w * p.c,
    xs = nchw ? 1 : p.c;
  const d = new Float64Array(alpha * alpha),
    t1 = new Float64Array(alpha * alpha);
  const plane = cg * T;
  for (let c = 0; c < cg; c++) {
    const base = n * p.c * p.h * p.w + (grp * cg + c) * cs;
    for (let ty = 0; ty < th; ty++) {
      for (let tx = 0; tx < tw; tx++) {
        const y0 = ty * m - p.pad,
          x0 = tx * m - p.pad;
        const inside = y0 >= 0 && x0 >= 0 && y0 + alpha <= p.h && x0 + alpha <= p.w;
        for (let i = 0; i < alpha; i++) {
          const y = y0 + i;
          for (let j = 0; j < alpha; j++) {
            const xx = x0 + j;
            d[i * alpha + j] = inside || (y >= 0 && y < p.h && xx >= 0 && xx < p.w) ? x[base + y * ys + xx * xs] : 0;
          }
        }
        // t1 = Bᵀ·d, then V = t1·B (row i of Bᵀ gives column i of B).
        for (let i = 0; i < alpha; i++) {
          const row = bt[i];
          for (let j = 0; j < alpha; j++) {
            let acc = 0;
            for (const [q, coef] of row) acc += coef * d[q * alpha + j];
            t1[i * alpha + j] = acc;
          }
        }
        const t = ty * tw + tx;
        for (let i = 0; i < alpha; i++) {
          for (let j = 0; j < alpha; j++) {
            let acc = 0;
            for (const [q, coef] of bt[j]) acc += t1[i * alpha + q] * coef;
            st.v[(i * alpha + j) * plane + c * T + t] = acc;
          }
        }
      }
    }
  }
}

/** Y = Aᵀ·M·A for every filter of the group and every tile, cropped to P×Q, into the output. */
function transformOutput(st: WinogradState, n: number, grp: number): void {
  const {
    p,
    tm: {m, alpha, at},
    out,
  } = st;
  const {P, Q, tw, T} = tiles(p, m);
  const kg = p.k / p.groups;
  const nchw = p.layout === 'nchw';
  const ks = nchw ? P * Q : 1,
    ys = nchw ? Q : Q * p.k,
    xs = nchw ? 1 : p.k;
  const mt = new Float64Array(alpha * alpha),
    t1 = new Float64Array(m * alpha);
  const plane = kg * T;
  for (let kl = 0; kl < kg; kl++) {
    const base = n * p.k * P * Q + (grp * kg + kl) * ks;
    for (let t = 0; t < T; t++) {
      for (let xi = 0; xi < alpha * alpha; xi++) mt[xi] = st.mm[xi * plane + kl * T + t];
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < alpha; j++) {
          let acc = 0;
          for (const [q, coef] of at[i]) acc += coef * mt[q * alpha + j];
          t1[i * alpha + j] = acc;
        }
      }
      const oy0 = Math.floor(t / tw) * m,
        ox0 = (t % tw) * m;
      for (let i = 0; i < m && oy0 + i < P; i++) {
        for (let j = 0; j < m && ox0 + j < Q; j++) {
          let acc = 0;
          for (const [q, coef] of at[j]) acc += t1[i * alpha + q] * coef;
          out[base + (oy0 + i) * ys + (ox0 + j) * xs] = acc;
        }
      }
    }
  }
}

export async function convWinograd(st: WinogradState): Promise<Float32Array> {
  const {
    p,
    tm: {m, alpha},
  } = st;
  const {T} = tiles(p, m);
  const cg = p.c / p.groups,
    kg = p.k / p.groups,
    a2 = alpha * alpha;
  for (let n = 0; n < p.n; n++) {
    for (let grp = 0; grp < p.groups; grp++) {
      transformInput(st, n, grp);
      for (let xi = 0; xi < a2; xi++) {
        const r = st.exec.gemm({
          m: kg,
          n: T,
          k: cg,
          a: st.u,
          aOffset: (grp * a2 + xi) * kg * cg,
          b: st.v,
          bOffset: xi * cg * T,
          c: st.mm,
          cOffset: xi * kg * T,
        });
        if (r) await r;
      }
      transformOutput(st, n, grp);
    }
  }
  addBias(p, st.out, st.inputs.bias);
  return st.out;
}

/** Transformed-domain MACs (the GEMMs only): α²·(K/g)·(C/g)·tiles per image and group. */
export function winogradMacs(p: ConvShape, m: number): number {
  const alpha = m + 2;
  return p.n * p.groups * alpha * alpha * (p.k / p.groups) * (p.c / p.groups) * tiles(p, m).T;
}

/**
 * Which transforms run: 'auto' takes the native ones (winograd-native.ts) when the GEMM engine is the native
 * one and the addon loads, else the JS ones around the engine; 'js' always the JS ones (the fallback rung).
 * Mixing C transforms with a JS GEMM is not offered: there the JS products dominate.
 */
export type WinogradTransforms = 'auto' | 'js';

type State = ({kind: 'js'} & WinogradState) | ({kind: 'native'} & NativeWinogradState);

export function makeWinograd(
  name: string,
  mat: WinogradMatrices,
  toleranceScale: number,
  pickEngine?: GemmEngine,
  transforms: WinogradTransforms = 'auto',
): KernelVariant<ConvShape, ConvInputs, Float32Array, State> {
  const alpha = mat.m + 2;
  const engineFor = (threads: number) => pickEngine ?? fastestEngine({threads});
  const nativeIsa = (threads: number) => (transforms === 'auto' ? nativeIsaOf(engineFor(threads)) : undefined);
  return {
    id: `conv2d/${name}`,
    op: 'conv2d',
    // The products run where the engine runs; with native transforms the whole conv is native.
    get backend() {
      return nativeIsa(1) ? 'native' : 'js';
    },
    summary:
      transforms === 'js'
        ? `Winograd F(${mat.m}x${mat.m},3x3), JS transforms: ${alpha}x${alpha} tiles, ${alpha * alpha} transformed-domain GEMMs through the fastest engine (filters transformed in prepare)`
        : `Winograd F(${mat.m}x${mat.m},3x3), native transforms into packed panels + ${alpha * alpha} micro-kernel products in one addon call (JS transforms without the addon)`,
    params: {m: mat.m, alpha, ...(pickEngine ? {gemm: pickEngine.id} : {}), ...(transforms === 'js' ? {transforms: 'js'} : {})},
    spec: convSpec,
    available: (caps) => (pickEngine ? pickEngine.available(caps) : {ok: true}),
    supports: winogradSupports,
    toleranceScale: () => toleranceScale,
    metrics: (p) => ({
      gemm: engineFor(1).id,
      transforms: nativeIsa(1) ? 'native' : 'js',
      effectiveFlops: true,
      tileM: mat.m,
      transformedMacs: winogradMacs(p, mat.m),
      macReduction: convSpec.macs(p) / winogradMacs(p, mat.m),
    }),
    async prepare(p, inputs, opts): Promise<State> {
      const u = transformFilters(p, inputs.w, mat);
      const isa = nativeIsa(opts.threads);
      if (isa) return {kind: 'native', ...prepareNative(p, inputs, u, mat.m, isa, opts.threads)};
      const engine = engineFor(opts.threads);
      const {T} = tiles(p, mat.m);
      const cg = p.c / p.groups,
        kg = p.k / p.groups,
        a2 = alpha * alpha;
      const exec = await engine.create({threads: opts.threads, maxM: kg, maxN: T, maxK: cg});
      return {
        kind: 'js',
        p,
        inputs,
        out: new Float32Array(convSizes.output(p)),
        u,
        v: new Float32Array(a2 * cg * T),
        mm: new Float32Array(a2 * kg * T),
        exec,
        tm: {m: mat.m, alpha, bt: sparse(mat.bt), at: sparse(mat.at)},
      };
    },
    run: (st) => (st.kind === 'native' ? runNative(st) : convWinograd(st)),
    dispose: (st) => (st.kind === 'js' ? st.exec.dispose?.() : undefined),
  };
}
