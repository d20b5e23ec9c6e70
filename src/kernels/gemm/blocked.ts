// Rung 3: Goto/BLIS structure in JavaScript. Loops jc (NC) → pc (KC) → ic (MC) → jr (NR) → ir (MR).
// B's KC×NC panel and A's MC×KC block are packed into float64 slivers (the f32→f64 conversion
// is paid once at packing, not in the inner loop), zero-padded so the 4×4 register tile never
// branches. Expected bottleneck: the scalar mul+add issue rate of V8's generated code
// (no SIMD, no FMA in JS), with operands coming from L1 (B sliver) and L2 (A block).
import type {KernelVariant} from '../../core/types.js';
import type {GemmCall, GemmEngine} from './engine.js';
import {gemmSpec, type GemmInputs, type GemmShape} from './spec.js';

export const MR = 4;
export const NR = 4;

export interface BlockSizes {
  mc: number;
  kc: number;
  nc: number;
}

// KC·NR·8 B = 8 KiB B sliver in a 32 KiB L1d; MC·KC·8 = 256 KiB A block in 1 MiB L2;
// KC·NC·8 = 4 MiB B panel in the 32 MiB L3. Chosen as the fastest of nearby sizes by measurement.
export const DEFAULT_BLOCKS: BlockSizes = {mc: 128, kc: 256, nc: 2048};

export interface BlockedWorkspace {
  ap: Float64Array;
  bp: Float64Array;
}

export function blockedWorkspace(p: GemmShape, bs: BlockSizes): BlockedWorkspace {
  const kc = Math.min(bs.kc, p.k);
  const mc = Math.min(bs.mc, roundUp(p.m, MR));
  const nc = Math.min(bs.nc, roundUp(p.n, NR));
  return {ap: new Float64Array(roundUp(mc, MR) * kc), bp: new Float64Array(roundUp(nc, NR) * kc)};
}

function roundUp(x: number, q: number): number {
  return Math.ceil(x / q) * q;
}

/**
 * Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-wide slivers, k-major inside each, zero-padded.
 * op(B)(p, j) is b[bo + p·ldb + j], or b[bo + j·ldb + p] when transposed.
 */
function packB(g: GemmCall, pc: number, kc: number, jc: number, nc: number, bp: Float64Array): void {
  const b = g.b,
    bo = g.bOffset ?? 0,
    ldb = g.ldb ?? (g.transB ? g.k : g.n);
  const rs = g.transB ? 1 : ldb; // stride between k steps
  const cs = g.transB ? ldb : 1; // stride between columns
  let o = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const w = Math.min(NR, nc - j0);
    for (let kk = 0; kk < kc; kk++) {
      const base = bo + (pc + kk) * rs + (jc + j0) * cs;
      for (let jj = 0; jj < NR; jj++) bp[o++] = jj < w ? b[base + jj * cs] : 0;
    }
  }
}

/** Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-tall slivers, k-major inside each, zero-padded. */
function packA(g: GemmCall, ic: number, mc: number, pc: number, kc: number, ap: Float64Array): void {
  const a = g.a,
    ao = g.aOffset ?? 0,
    lda = g.lda ?? (g.transA ? g.m : g.k);
  const rs = g.transA ? 1 : lda; // stride between rows of op(A)
  const ks = g.transA ? lda : 1; // stride between k steps
  let o = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const h = Math.min(MR, mc - i0);
    for (let kk = 0; kk < kc; kk++) {
      const base = ao + (ic + i0) * rs + (pc + kk) * ks;
      for (let ii = 0; ii < MR; ii++) ap[o++] = ii < h ? a[base + ii * rs] : 0;
    }
  }
}

/**
 * 4×4 register tile: 16 accumulators live in registers across the kc loop.
 * `accumulate` adds into C (pc > 0) instead of overwriting it.
 */
function micro4x4(
  kc: number,
  ap: Float64Array,
  ao: number,
  bp: Float64Array,
  bo: number,
  c: Float32Array,
  co: number,
  ldc: number,
  h: number,
  w: number,
  accumulate: boolean,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let kk = 0; kk < kc; kk++) {
    const a0 = ap[ao],
      a1 = ap[ao + 1],
      a2 = ap[ao + 2],
      a3 = ap[ao + 3];
    const b0 = bp[bo],
      b1 = bp[bo + 1],
      b2 = bp[bo + 2],
      b3 = bp[bo + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ao += MR;
    bo += NR;
  }
  if (h === MR && w === NR) {
    if (accumulate) {
      c[co] += c00;
      c[co + 1] += c01;
      c[co + 2] += c02;
      c[co + 3] += c03;
      co += ldc;
      c[co] += c10;
      c[co + 1] += c11;
      c[co + 2] += c12;
      c[co + 3] += c13;
      co += ldc;
      c[co] += c20;
      c[co + 1] += c21;
      c[co + 2] += c22;
      c[co + 3] += c23;
      co += ldc;
      c[co] += c30;
      c[co + 1] += c31;
      c[co + 2] += c32;
      c[co + 3] += c33;
    } else {
      c[co] = c00;
      c[co + 1] = c01;
      c[co + 2] = c02;
      c[co + 3] = c03;
      co += ldc;
      c[co] = c10;
      c[co + 1] = c11;
      c[co + 2] = c12;
      c[co + 3] = c13;
      co += ldc;
      c[co] = c20;
      c[co + 1] = c21;
      c[co + 2] = c22;
      c[co + 3] = c23;
      co += ldc;
      c[co] = c30;
      c[co + 1] = c31;
      c[co + 2] = c32;
      c[co + 3] = c33;
    }
    return;
  }
  // Edge tile: only the h×w corner is real; the rest came from zero padding.
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const v = tile[i * NR + j];
      c[co + i * ldc + j] = accumulate ? c[co + i * ldc + j] + v : v;
    }
  }
}

/** C (=|+=) op(A)·op(B) for one strided call; ws must come from blockedWorkspace for these sizes. */
export function blockedGemmCall(g: GemmCall, bs: BlockSizes, ws: BlockedWorkspace): void {
  const {m, n, k} = g;
  const c = g.c,
    co = g.cOffset ?? 0,
    ldc = g.ldc ?? n;
  if (k === 0) {
    if (!g.beta) for (let i = 0; i < m; i++) c.fill(0, co + i * ldc, co + i * ldc + n);
    return;
  }
  for (let jc = 0; jc < n; jc += bs.nc) {
    const nc = Math.min(bs.nc, n - jc);
    for (let pc = 0; pc < k; pc += bs.kc) {
      const kc = Math.min(bs.kc, k - pc);
      packB(g, pc, kc, jc, nc, ws.bp);
      const accumulate = pc > 0 || g.beta === 1;
      for (let ic = 0; ic < m; ic += bs.mc) {
        const mc = Math.min(bs.mc, m - ic);
        packA(g, ic, mc, pc, kc, ws.ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const w = Math.min(NR, nc - jr);
          const bo = (jr / NR) * kc * NR;
          for (let ir = 0; ir < mc; ir += MR) {
            const h = Math.min(MR, mc - ir);
            micro4x4(kc, ws.ap, (ir / MR) * kc * MR, ws.bp, bo, c, co + (ic + ir) * ldc + jc + jr, ldc, h, w, accumulate);
          }
        }
      }
    }
  }
}

export function gemmBlocked(
  p: GemmShape,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  bs: BlockSizes,
  ws: BlockedWorkspace,
): void {
  blockedGemmCall({...p, a, b, c}, bs, ws);
}

interface State {
  p: GemmShape;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  bs: BlockSizes;
  ws: BlockedWorkspace;
}

export function makeBlocked(bs: BlockSizes = DEFAULT_BLOCKS): KernelVariant<GemmShape, GemmInputs, Float32Array, State> {
  const isDefault = bs.mc === DEFAULT_BLOCKS.mc && bs.kc === DEFAULT_BLOCKS.kc && bs.nc === DEFAULT_BLOCKS.nc;
  return {
    id: isDefault ? 'gemm/blocked' : `gemm/blocked-${bs.mc}x${bs.kc}x${bs.nc}`,
    op: 'gemm',
    backend: 'js',
    summary: `cache-blocked (MC=${bs.mc}, KC=${bs.kc}, NC=${bs.nc}), packed f64 panels, ${MR}x${NR} register tile`,
    params: {mc: bs.mc, kc: bs.kc, nc: bs.nc, mr: MR, nr: NR},
    spec: gemmSpec,
    available: () => ({ok: true}),
    prepare: (p, {a, b}) => ({p, a, b, c: new Float32Array(p.m * p.n), bs, ws: blockedWorkspace(p, bs)}),
    run(s) {
      gemmBlocked(s.p, s.a, s.b, s.c, s.bs, s.ws);
      return s.c;
    },
  };
}

export const blocked = makeBlocked();

/** gemm/blocked as a building block: the workspace grows to the largest call seen. */
export const blockedEngine: GemmEngine = {
  id: 'gemm/blocked',
  backend: 'js',
  available: () => ({ok: true}),
  create({maxM = 1, maxN = 1, maxK = 1}) {
    let ws: BlockedWorkspace = blockedWorkspace({m: maxM, n: maxN, k: maxK}, DEFAULT_BLOCKS);
    return {
      gemm(call: GemmCall) {
        const need = blockedWorkspace(call, DEFAULT_BLOCKS);
        if (need.ap.length > ws.ap.length || need.bp.length > ws.bp.length) ws = need;
        blockedGemmCall(call, DEFAULT_BLOCKS, ws);
      },
    };
  },
};
