// Rung 4: Strassen–Winograd (7 products, 15 additions per level) on any GEMM engine.
// Over the classical rungs it trades 1/8 of the multiplications per level for O(n²) additions,
// recursing while min(M, N, K) > cutoff; operands padded with zeros to multiples of 2^depth.
// Schedule: Boyer–Dumas–Pernet–Zhou's two-temporary order (products land in C's quadrants).
// Expected bottleneck: the base engine at the leaves; the additions are memory-bound streams
// (in C, on the pool's threads, when the leaves are native: JS loops ate the 1/8 saved).
import type {Backend, KernelVariant} from '../../core/types.js';
import type {GemmEngine, GemmExecutor} from './engine.js';
import {blockedEngine} from './blocked.js';
import {nativeEngine, requireAddon} from './native.js';
import {sharedF32, toShared} from './shared.js';
import {gemmSpec, type GemmInputs, type GemmShape} from './spec.js';
import {workersEngine} from './workers.js';

/** Leaves of at most this size go to the base engine (the measured crossover: docs/workers-and-strassen.md). */
export const DEFAULT_CUTOFF = 256;
/**
 * On the worker pool a leaf is split among the threads and the additions stay serial on the
 * main thread (Amdahl), so recursion pays off at larger sizes than on one thread (measured).
 */
export const PARALLEL_CUTOFF = 512;

/**
 * The native kernel runs far faster than blocked, so a level's additions weigh that much more
 * against the 1/8 of a product it saves: one level pays off only on much larger operands
 * (measured: docs/workers-and-strassen.md), as Huang et al. (SC16) found over a BLIS-class base.
 */
export const NATIVE_CUTOFF = 2048;

export function defaultCutoff(engine: GemmEngine): number {
  const b = engineBackend(engine.id);
  return b === 'workers' ? PARALLEL_CUTOFF : b === 'native' ? NATIVE_CUTOFF : DEFAULT_CUTOFF;
}
const MAX_DEPTH = 12;

/** Levels of recursion: halve while the smallest dimension exceeds the cutoff. */
export function strassenDepth({m, n, k}: GemmShape, cutoff: number): number {
  let s = Math.min(m, n, k);
  let d = 0;
  while (s > cutoff && d < MAX_DEPTH) {
    s = Math.ceil(s / 2);
    d++;
  }
  return d;
}

const roundUp = (x: number, q: number): number => Math.ceil(x / q) * q;

export function paddedShape(p: GemmShape, depth: number): GemmShape {
  const q = 2 ** depth;
  return {m: roundUp(p.m, q), n: roundUp(p.n, q), k: roundUp(p.k, q)};
}

/**
 * Multiplier on the classical tolerance γ_K. Higham (Accuracy and Stability, 2nd ed., Thm 23.3)
 * bounds Winograd's variant by [(n/n0)^log2(18)·(n0² + 6n0) − 6n]·u·‖A‖‖B‖ (max norm); the
 * classical max-norm bound is n²·u·‖A‖‖B‖, so each level multiplies the worst case by
 * 18/4 = 4.5 (times 1 + 6/n0 for the leaf additions). The check normalizes per element by
 * (|A||B|)ᵢⱼ, not by n‖A‖‖B‖: for the uniform[-1,1) inputs that ratio is (max|x| / mean|x|)² = 4.
 */
export function strassenToleranceScale(p: GemmShape, cutoff: number): number {
  const d = strassenDepth(p, cutoff);
  if (d === 0) return 1;
  const leafK = paddedShape(p, d).k / 2 ** d;
  return 4 * 4.5 ** d * (1 + 6 / leafK);
}

/** A strided sub-matrix: element (i, j) at a[o + i·ld + j]. */
interface View {
  a: Float32Array;
  o: number;
  ld: number;
}

function add(r: number, c: number, x: View, y: View, z: View): void {
  const xa = x.a,
    ya = y.a,
    za = z.a;
  for (let i = 0; i < r; i++) {
    const xo = x.o + i * x.ld,
      yo = y.o + i * y.ld,
      zo = z.o + i * z.ld;
    for (let j = 0; j < c; j++) za[zo + j] = xa[xo + j] + ya[yo + j];
  }
}

function sub(r: number, c: number, x: View, y: View, z: View): void {
  const xa = x.a,
    ya = y.a,
    za = z.a;
  for (let i = 0; i < r; i++) {
    const xo = x.o + i * x.ld,
      yo = y.o + i * y.ld,
      zo = z.o + i * z.ld;
    for (let j = 0; j < c; j++) za[zo + j] = xa[xo + j] - ya[yo + j];
  }
}

/**
 * Five of the seven output additions in one pass (one read of each operand instead of ten):
 * with C11 = P3, C12 = P6, C21 = P7, C22 = P5, it leaves C12 = U5, C21 = U3, C22 = U7.
 */
function combine(r: number, c: number, p1: View, c11: View, c12: View, c21: View, c22: View): void {
  const p1a = p1.a,
    a11 = c11.a,
    a12 = c12.a,
    a21 = c21.a,
    a22 = c22.a;
  for (let i = 0; i < r; i++) {
    const po = p1.o + i * p1.ld,
      o11 = c11.o + i * c11.ld,
      o12 = c12.o + i * c12.ld,
      o21 = c21.o + i * c21.ld,
      o22 = c22.o + i * c22.ld;
    for (let j = 0; j < c; j++) {
      const p5 = a22[o22 + j];
      const u2 = p1a[po + j] + a12[o12 + j];
      const u3 = u2 + a21[o21 + j];
      a12[o12 + j] = u2 + p5 + a11[o11 + j];
      a21[o21 + j] = u3;
      a22[o22 + j] = u3 + p5;
    }
  }
}

/** The O(n²) passes: JS loops, or the addon's when the leaves are native (see strassen_ops.c). */
interface AddOps {
  add(r: number, c: number, x: View, y: View, z: View): void;
  sub(r: number, c: number, x: View, y: View, z: View): void;
  /** c11..c22 are quadrants of one array with one row stride. */
  combine(r: number, c: number, p1: View, c11: View, c12: View, c21: View, c22: View): void;
}

const jsOps: AddOps = {add, sub, combine};

function nativeOps(threads: number): AddOps {
  const addon = requireAddon();
  return {
    add: (r, c, x, y, z) => addon.strassenAdd(threads, r, c, x.a, x.o, x.ld, y.a, y.o, y.ld, 1, z.a, z.o, z.ld),
    sub: (r, c, x, y, z) => addon.strassenAdd(threads, r, c, x.a, x.o, x.ld, y.a, y.o, y.ld, -1, z.a, z.o, z.ld),
    combine: (r, c, p1, c11, c12, c21, c22) =>
      addon.strassenCombine(threads, r, c, p1.a, p1.o, p1.ld, c11.a, c11.o, c12.o, c21.o, c22.o, c11.ld),
  };
}

/** Quadrant (qi, qj) of a view whose full extent is 2h × 2w. */
function quad(v: View, h: number, w: number, qi: number, qj: number): View {
  return {a: v.a, o: v.o + qi * h * v.ld + qj * w, ld: v.ld};
}

interface Workspace {
  depth: number;
  /** Per level: X holds S1..S4 (M/2×K/2), then P1 (M/2×N/2); Y holds T1..T4 (K/2×N/2). */
  x: Float32Array[];
  y: Float32Array[];
  exec: GemmExecutor;
  ops: AddOps;
}

/** C = A·B on views whose dimensions are divisible by 2^(depth − level). */
async function multiply(ws: Workspace, level: number, m: number, n: number, k: number, A: View, B: View, C: View): Promise<void> {
  if (level === ws.depth) {
    await ws.exec.gemm({
      m,
      n,
      k,
      a: A.a,
      aOffset: A.o,
      lda: A.ld,
      b: B.a,
      bOffset: B.o,
      ldb: B.ld,
      c: C.a,
      cOffset: C.o,
      ldc: C.ld,
    });
    return;
  }
  const m2 = m / 2,
    n2 = n / 2,
    k2 = k / 2;
  const A11 = quad(A, m2, k2, 0, 0),
    A12 = quad(A, m2, k2, 0, 1),
    A21 = quad(A, m2, k2, 1, 0),
    A22 = quad(A, m2, k2, 1, 1);
  const B11 = quad(B, k2, n2, 0, 0),
    B12 = quad(B, k2, n2, 0, 1),
    B21 = quad(B, k2, n2, 1, 0),
    B22 = quad(B, k2, n2, 1, 1);
  const C11 = quad(C, m2, n2, 0, 0),
    C12 = quad(C, m2, n2, 0, 1),
    C21 = quad(C, m2, n2, 1, 0),
    C22 = quad(C, m2, n2, 1, 1);
  const S: View = {a: ws.x[level], o: 0, ld: k2};
  const P1: View = {a: ws.x[level], o: 0, ld: n2};
  const T: View = {a: ws.y[level], o: 0, ld: n2};
  const next = level + 1;
  ws.ops.sub(m2, k2, A11, A21, S); //                         S3 = A11 − A21
  ws.ops.sub(k2, n2, B22, B12, T); //                         T3 = B22 − B12
  await multiply(ws, next, m2, n2, k2, S, T, C21); //  P7 = S3·T3
  ws.ops.add(m2, k2, A21, A22, S); //                         S1 = A21 + A22
  ws.ops.sub(k2, n2, B12, B11, T); //                         T1 = B12 − B11
  await multiply(ws, next, m2, n2, k2, S, T, C22); //  P5 = S1·T1
  ws.ops.sub(m2, k2, S, A11, S); //                           S2 = S1 − A11
  ws.ops.sub(k2, n2, B22, T, T); //                           T2 = B22 − T1
  await multiply(ws, next, m2, n2, k2, S, T, C12); //  P6 = S2·T2
  ws.ops.sub(m2, k2, A12, S, S); //                           S4 = A12 − S2
  await multiply(ws, next, m2, n2, k2, S, B22, C11); // P3 = S4·B22
  await multiply(ws, next, m2, n2, k2, A11, B11, P1); // P1 = A11·B11
  ws.ops.combine(m2, n2, P1, C11, C12, C21, C22); //         U2..U5, U7: C12 = U5, C21 = U3, C22 = U7
  ws.ops.sub(k2, n2, T, B21, T); //                           T4 = T2 − B21
  await multiply(ws, next, m2, n2, k2, A22, T, C11); // P4 = A22·T4
  ws.ops.sub(m2, n2, C21, C11, C21); //                       U6 = U3 − P4   → C21
  await multiply(ws, next, m2, n2, k2, A12, B21, C11); // P2 = A12·B21
  ws.ops.add(m2, n2, P1, C11, C11); //                        U1 = P1 + P2   → C11
}

interface State {
  p: GemmShape;
  pp: GemmShape;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  /** Zero-padded copies (padded shape), only when the shape is not divisible by 2^depth. */
  ap?: Float32Array;
  bp?: Float32Array;
  cp?: Float32Array;
  ws: Workspace;
}

/** Copies rows×cols of src (row stride sld) into dst (row stride dld). */
function copyRows(rows: number, cols: number, src: Float32Array, sld: number, dst: Float32Array, dld: number): void {
  for (let i = 0; i < rows; i++) dst.set(src.subarray(i * sld, i * sld + cols), i * dld);
}

async function strassenRun(s: State): Promise<Float32Array> {
  const {p, pp} = s;
  if (!s.ap) {
    await multiply(s.ws, 0, p.m, p.n, p.k, {a: s.a, o: 0, ld: p.k}, {a: s.b, o: 0, ld: p.n}, {a: s.c, o: 0, ld: p.n});
    return s.c;
  }
  // Padding is part of the call (timed): O(n²) copies against the O(n^2.81) products.
  copyRows(p.m, p.k, s.a, p.k, s.ap, pp.k);
  copyRows(p.k, p.n, s.b, p.n, s.bp!, pp.n);
  await multiply(s.ws, 0, pp.m, pp.n, pp.k, {a: s.ap, o: 0, ld: pp.k}, {a: s.bp!, o: 0, ld: pp.n}, {a: s.cp!, o: 0, ld: pp.n});
  copyRows(p.m, p.n, s.cp!, pp.n, s.c, p.n);
  return s.c;
}

function engineBackend(id: string): Backend {
  for (const b of ['workers', 'native', 'webgpu'] as const) if (id.includes(b)) return b;
  return 'js';
}

export function strassenId(engine: GemmEngine, cutoff: number): `gemm/${string}` {
  const base = engine.id.replace(/^gemm\//, '');
  const name: `gemm/${string}` = base === 'blocked' ? 'gemm/strassen' : `gemm/strassen-${base}`;
  return cutoff === defaultCutoff(engine) ? name : (`${name}-c${cutoff}` as const);
}

export function makeStrassen(
  engine: GemmEngine = blockedEngine,
  cutoff = defaultCutoff(engine),
): KernelVariant<GemmShape, GemmInputs, Float32Array, State> {
  if (!Number.isInteger(cutoff) || cutoff < 1) throw new RangeError(`Strassen cutoff must be a positive integer, got ${cutoff}`);
  return {
    id: strassenId(engine, cutoff),
    op: 'gemm',
    backend: engineBackend(engine.id),
    summary: `Strassen–Winograd (7 products, 15 additions) while min(M,N,K) > ${cutoff}, leaves on ${engine.id}`,
    params: {base: engine.id, cutoff},
    spec: gemmSpec,
    available: (caps) => engine.available(caps),
    toleranceScale: (p) => strassenToleranceScale(p, cutoff),
    async prepare(p, {a, b}, {threads}) {
      const depth = strassenDepth(p, cutoff);
      const pp = paddedShape(p, depth);
      const x: Float32Array[] = [];
      const y: Float32Array[] = [];
      for (let l = 0; l < depth; l++) {
        const m2 = pp.m / 2 ** (l + 1),
          n2 = pp.n / 2 ** (l + 1),
          k2 = pp.k / 2 ** (l + 1);
        x.push(sharedF32(m2 * Math.max(k2, n2)));
        y.push(sharedF32(k2 * n2));
      }
      const padded = pp.m !== p.m || pp.n !== p.n || pp.k !== p.k;
      // Shared memory throughout, so a worker-pool engine reads operands and workspace in place.
      const buffers = {
        a: toShared(a),
        b: toShared(b),
        c: sharedF32(p.m * p.n),
        ...(padded ? {ap: sharedF32(pp.m * pp.k), bp: sharedF32(pp.k * pp.n), cp: sharedF32(pp.m * pp.n)} : {}),
      };
      const ops = engineBackend(engine.id) === 'native' ? nativeOps(threads) : jsOps;
      // Last: an engine may hold a thread pool, which nothing after it may leak by throwing.
      const q = 2 ** depth;
      const exec = await engine.create({threads, maxM: pp.m / q, maxN: pp.n / q, maxK: pp.k / q});
      return {p, pp, ...buffers, ws: {depth, x, y, exec, ops}};
    },
    run: strassenRun,
    dispose: (s) => s.ws.exec.dispose?.(),
    measuredMetrics: (s) => ({
      depth: s.ws.depth,
      padded: `${s.pp.m}x${s.pp.n}x${s.pp.k}`,
      leaf: `${s.pp.m / 2 ** s.ws.depth}x${s.pp.n / 2 ** s.ws.depth}x${s.pp.k / 2 ** s.ws.depth}`,
      toleranceScale: strassenToleranceScale(s.p, cutoff),
    }),
  };
}

export const strassen = makeStrassen(blockedEngine);
export const strassenWorkers = makeStrassen(workersEngine);
export const strassenNative = makeStrassen(nativeEngine);
