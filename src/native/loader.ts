// Loads the native addon (src/native/build/Release/dlbench_native.node) once, lazily, and never
// throws: when it is missing, failed to build, or DLBENCH_NO_NATIVE=1 is set, every caller gets
// {ok: false, reason} (with the rebuild command) and the native variants are skipped.
// DLBENCH_NO_SKINNY=1 turns the native skinny GEMM paths off (src/native/skinny.c), for A/B runs.
//
// A damaged addon (a build interrupted, a full disk at install) does not throw at dlopen: it kills
// the process with SIGBUS. So before loading it in-process the loader compares it with the stamp
// scripts/build-native.mjs writes after a good build (size and sha256); with no stamp, or one that
// does not match, it first loads the addon in a child process, and a child that dies makes the
// addon unavailable ("damaged build") instead of taking every command down (docs/native.md).
// DLBENCH_NATIVE_PATH names another addon file (tests load a truncated copy with it).
// DLBENCH_NO_OPENBLAS=1 makes the addon report no CBLAS library, as on a machine without
// libopenblas0: only to check that the tests skip (not fail) there (CONTRIBUTING.md).
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, readFileSync, statSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Availability} from '../core/types.js';

export type Isa = 'avx512' | 'avx2' | 'scalar';
export const ISAS: readonly Isa[] = ['avx512', 'avx2', 'scalar'];
export const REBUILD_COMMAND = 'npm run build:native';

/** dlb_sgemm's paths: the packed Goto driver, or a skinny path that leaves the big operand unpacked. */
export type SgemmPath = 'general' | 'smallm-axpy' | 'smallm-dot' | 'thinn-dot' | 'thinn-col';

export interface KernelInfo {
  isa: Isa;
  supported: boolean;
  /** e.g. 'dlb_sgemm_avx512_12x32' (dlb_<dt><op>_<isa>_<MR>x<NR>). */
  symbol: string;
  mr: number;
  nr: number;
  mc: number;
  kc: number;
  nc: number;
  /** The ISA's default tile (Winograd and the conv paths pack for it); it leads its ISA's entries. */
  isaDefault: boolean;
  /** Edge tiles stored through masks by the kernel itself, not through a scratch tile. */
  maskedEdges: boolean;
}

/**
 * The addon's functions. GEMM arguments follow GemmCall: op(A) is m×k with (i,p) at
 * a[aOff + i·lda + p] (a[aOff + p·lda + i] if transA), likewise B; C(i,j) at c[cOff + i·ldc + j];
 * beta 0 overwrites C, 1 accumulates. Bounds are checked natively (RangeError).
 * Lists exactly the functions of src/native/napi_functions.h (test/native/addon-functions.test.ts).
 */
export interface NativeAddon {
  kernels(): KernelInfo[];
  bestIsa(): Isa;
  /**
   * sgemm on one micro-kernel by symbol with explicit cache blocks (0 takes the kernel's own) and
   * thread split (0 auto, 1 column bands, 2 row bands); the GemmCall arguments follow `threads`.
   */
  sgemmWith(
    symbol: string,
    mc: number,
    kc: number,
    nc: number,
    split: number,
    threads: number,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    aOff: number,
    lda: number,
    transA: number,
    b: Float32Array,
    bOff: number,
    ldb: number,
    transB: number,
    c: Float32Array,
    cOff: number,
    ldc: number,
    beta: number,
  ): void;
  sgemm(
    isa: Isa,
    threads: number,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    aOff: number,
    lda: number,
    transA: number,
    b: Float32Array,
    bOff: number,
    ldb: number,
    transB: number,
    c: Float32Array,
    cOff: number,
    ldc: number,
    beta: number,
  ): void;
  /** The path sgemm takes for such a call: 'general' (packed driver) or a skinny one (src/native/skinny.c). */
  sgemmPath(isa: Isa, m: number, n: number, k: number, lda: number, transA: number, ldb: number, transB: number): SgemmPath;
  /** Calls each ISA's skinny kernels have served since the addon loaded. */
  skinnyCalls(): Record<Isa, Record<Exclude<SgemmPath, 'general'>, number>>;
  /** Whether the skinny paths are on; skinnyEnabled(false) sends every shape to the packed driver (A/B timing). */
  skinnyEnabled(on?: boolean): boolean;
  /** `corename`: the kernel OpenBLAS runs (openblas_get_corename), absent for other BLAS libraries. */
  blasLoad(): {ok: true; library: string; config: string; corename?: string} | {ok: false; reason: string};
  blasSgemm(
    threads: number,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    aOff: number,
    lda: number,
    transA: number,
    b: Float32Array,
    bOff: number,
    ldb: number,
    transB: number,
    c: Float32Array,
    cOff: number,
    ldc: number,
    beta: number,
  ): void;
  /** threads (optional, default 1): large unfoldings are split over the pool (NCHW by channel, NHWC by output row). */
  im2colNchw(
    input: Float32Array,
    C: number,
    H: number,
    W: number,
    R: number,
    S: number,
    strideH: number,
    strideW: number,
    padH: number,
    padW: number,
    dilH: number,
    dilW: number,
    out: Float32Array,
    threads?: number,
  ): [number, number];
  im2colNhwc(
    input: Float32Array,
    C: number,
    H: number,
    W: number,
    R: number,
    S: number,
    strideH: number,
    strideW: number,
    padH: number,
    padW: number,
    dilH: number,
    dilW: number,
    out: Float32Array,
    threads?: number,
  ): [number, number];
  /** GFLOP/s of independent FMA chains (mul+add for scalar) over ms milliseconds on `threads` threads. */
  peakFma(isa: Isa, f64: number, threads: number, ms: number): number;
  /** GB/s of repeatedly reading a buffer of bytesPerThread on each thread. */
  readBandwidth(isa: Isa, bytesPerThread: number, threads: number, ms: number): number;
  /** STREAM copy or triad over double arrays of `elements`, best of reps, GB/s. */
  stream(kind: 'copy' | 'triad', elements: number, threads: number, reps: number): number;
  /** Bytes of each data/unified cache level from CPUID (for when sysfs hides them); {} off x86. */
  cpuidCaches(): {L1d?: number; L2?: number; L3?: number};
  /** The core's effective clock in MHz over ms (a dependent add chain: one add per cycle); 0 off x86-64. */
  clockMHz(ms: number): number;
  /** Float64 SVD kernels (kernels/dsvd_impl.h); same arguments as golub-kahan.ts's Svd64Kernels. */
  dreflectLeft(
    isa: Isa,
    x: Float64Array,
    ld: number,
    r0: number,
    len: number,
    c0: number,
    cols: number,
    v: Float64Array,
    beta: number,
    acc: Float64Array,
  ): void;
  dreflectRight(
    isa: Isa,
    x: Float64Array,
    ld: number,
    r0: number,
    r1: number,
    c0: number,
    len: number,
    v: Float64Array,
    beta: number,
  ): void;
  drotSweeps(
    isa: Isa,
    x: Float64Array,
    ld: number,
    cols: number,
    count: number,
    lo: Float64Array,
    hi: Float64Array,
    cs: Float64Array,
    sn: Float64Array,
    stride: number,
  ): void;
  /** Blocked f64 SVD routines (kernels/dsvd_blocked.h): C += alpha·A·B with A(i,p) = a[i·rsa + p·csa], B(p,j) = b[p·rsb + j·csb]. */
  dgemm(
    isa: Isa,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float64Array,
    rsa: number,
    csa: number,
    b: Float64Array,
    rsb: number,
    csb: number,
    c: Float64Array,
    ldc: number,
  ): void;
  /** a (m×n row-major, m ≥ n ≥ 1) = Q·B·Pᵀ in place (LAPACK dgebrd layout), panels of nb columns. */
  dbidiag(
    isa: Isa,
    a: Float64Array,
    m: number,
    n: number,
    nb: number,
    d: Float64Array,
    e: Float64Array,
    tauq: Float64Array,
    taup: Float64Array,
  ): void;
  /** Qᵀ (n×m) and Pᵀ (n×n) from dbidiag's output, nb reflectors per compact-WY block. */
  dformQP(
    isa: Isa,
    a: Float64Array,
    m: number,
    n: number,
    nb: number,
    tauq: Float64Array,
    taup: Float64Array,
    qt: Float64Array,
    pt: Float64Array,
  ): void;
  /** The bidiagonal QR iteration, rows of ut (n×cu) and vt (n×cv) rotated: 0, or −1 when it did not converge. */
  dbdsqr(
    isa: Isa,
    d: Float64Array,
    e: Float64Array,
    n: number,
    ut: Float64Array,
    cu: number,
    vt: Float64Array,
    cv: number,
  ): number;
  /** Strassen's additions: z = x + sign·y on rows×cols views (array, offset, row stride); may alias. */
  strassenAdd(
    threads: number,
    rows: number,
    cols: number,
    x: Float32Array,
    xOff: number,
    ldx: number,
    y: Float32Array,
    yOff: number,
    ldy: number,
    sign: number,
    z: Float32Array,
    zOff: number,
    ldz: number,
  ): void;
  /** Strassen–Winograd's fused output pass: C12 = P1+C12+C22+C11, C21 = P1+C12+C21, C22 = that + C22 (old values). */
  strassenCombine(
    threads: number,
    rows: number,
    cols: number,
    p1: Float32Array,
    p1Off: number,
    ldp1: number,
    c: Float32Array,
    c11Off: number,
    c12Off: number,
    c21Off: number,
    c22Off: number,
    ldc: number,
  ): void;
  /** Memory-bound network layers (layers.c); layout 0 = NCHW, 1 = NHWC; threads used only for large tensors. */
  relu(threads: number, x: Float32Array, out: Float32Array): void;
  biasAdd(
    threads: number,
    layout: number,
    n: number,
    c: number,
    h: number,
    w: number,
    x: Float32Array,
    bias: Float32Array,
    out: Float32Array,
  ): void;
  maxPool(
    threads: number,
    layout: number,
    n: number,
    c: number,
    h: number,
    w: number,
    size: number,
    stride: number,
    x: Float32Array,
    out: Float32Array,
  ): void;
  lrn(
    threads: number,
    layout: number,
    n: number,
    c: number,
    h: number,
    w: number,
    size: number,
    alpha: number,
    beta: number,
    k: number,
    x: Float32Array,
    out: Float32Array,
  ): void;
  softmax(n: number, d: number, x: Float32Array, out: Float32Array): void;
  /** The floats fc weights (k×n, or n×k when trans) take packed in panels; with wp, packs them into it (layer/fc-packed). */
  fcPack(k: number, n: number, w: Float32Array, trans: number, wp: Float32Array | null): number;
  /** y (m×n) = x (m×k) · W + bias (ReLU'd when relu is 1), W packed by fcPack; threads take panels from a shared counter. */
  fcPacked(
    isa: Isa,
    threads: number,
    m: number,
    k: number,
    n: number,
    x: Float32Array,
    wp: Float32Array,
    bias: Float32Array | null,
    relu: number,
    y: Float32Array,
  ): void;
  /**
   * Winograd F(m×m,3×3), stride 1, m 2 or 4 (src/native/winograd.c): the whole convolution. up holds the
   * filters transformed and packed as the isa's MR-row slivers ([group][ξ][kpad/MR][C/g][MR]); bias may be null;
   * nb is the tiles per block (0: automatic). NCHW/KCRS when nchw is 1, else NHWC.
   */
  winogradConv(
    isa: Isa,
    threads: number,
    m: number,
    nchw: number,
    N: number,
    C: number,
    H: number,
    W: number,
    K: number,
    groups: number,
    pad: number,
    x: Float32Array,
    up: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    nb: number,
  ): void;
}

export type NativeLoad = {ok: true; addon: NativeAddon; path: string} | {ok: false; reason: string};

export function nativeDir(): string {
  // dist/native/loader.js and src/native/loader.ts both sit two levels below the package root.
  return path.join(fileURLToPath(new URL('../../', import.meta.url)), 'src', 'native');
}

let cached: NativeLoad | undefined;

/** The stamp beside the addon: what scripts/build-native.mjs recorded after a successful build. */
export function stampPath(file: string): string {
  return `${file}.stamp.json`;
}

function matchesStamp(file: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(stampPath(file), 'utf8')) as {size?: number; sha256?: string};
    if (stamp.size !== statSync(file).size) return false;
    return stamp.sha256 === createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return false;
  }
}

/** Loads the addon in a throwaway process: undefined when that worked, else how the child ended. */
function probeInChild(file: string): string | undefined {
  const r = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', file], {encoding: 'utf8', timeout: 30_000});
  if (r.status === 0) return undefined;
  if (r.error) return r.error.message;
  return r.signal
    ? `killed by ${r.signal}`
    : `exit ${r.status}: ${
        (r.stderr ?? '')
          .trim()
          .split('\n')
          .find((l) => /Error/.test(l)) ?? ''
      }`;
}

function tryLoad(): NativeLoad {
  if (process.env.DLBENCH_NO_NATIVE === '1') {
    return {
      ok: false,
      reason: `native addon disabled by DLBENCH_NO_NATIVE=1 (unset it to use the addon; rebuild: ${REBUILD_COMMAND})`,
    };
  }
  const dir = nativeDir();
  const file = process.env.DLBENCH_NATIVE_PATH || path.join(dir, 'build', 'Release', 'dlbench_native.node');
  if (!existsSync(file)) {
    const failed = path.join(dir, 'build', 'BUILD_FAILED.txt');
    const why = existsSync(failed) ? readFileSync(failed, 'utf8').split('\n')[0] : 'not built';
    return {
      ok: false,
      reason: `native addon unavailable: ${why}; rebuild with \`${REBUILD_COMMAND}\` (needs python3, make and a C compiler)`,
    };
  }
  if (!matchesStamp(file)) {
    const died = probeInChild(file);
    if (died !== undefined)
      return {
        ok: false,
        reason: `native addon unavailable (damaged build: loading it in a child process ended with ${died}); rebuild with \`${REBUILD_COMMAND}\` or \`npm rebuild\``,
      };
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    // Every shape through the packed driver, as before the skinny paths: the A/B switch for the CLI.
    if (process.env.DLBENCH_NO_SKINNY === '1') addon.skinnyEnabled(false);
    return {ok: true, addon: process.env.DLBENCH_NO_OPENBLAS === '1' ? withoutBlas(addon) : addon, path: file};
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return {ok: false, reason: `native addon failed to load (${msg}); rebuild with \`${REBUILD_COMMAND}\``};
  }
}

/** The addon as on a machine with no CBLAS library: a copy with the same function names, the BLAS ones replaced. */
function withoutBlas(addon: NativeAddon): NativeAddon {
  const reason = 'no CBLAS library found (hidden by DLBENCH_NO_OPENBLAS=1; unset it to use libopenblas0)';
  const view = {} as NativeAddon;
  for (const name of Object.getOwnPropertyNames(addon)) {
    Object.defineProperty(view, name, {value: (addon as unknown as Record<string, unknown>)[name], configurable: true});
  }
  Object.defineProperty(view, 'blasLoad', {value: () => ({ok: false, reason})});
  Object.defineProperty(view, 'blasSgemm', {
    value: () => {
      throw new Error(reason);
    },
  });
  return view;
}

export function loadNative(): NativeLoad {
  cached ??= tryLoad();
  return cached;
}

/** Whether a load was tried yet: lets a test prove that importing the kernels loads nothing. */
export function isNativeLoaded(): boolean {
  return cached !== undefined;
}

export function nativeAvailability(): Availability {
  const n = loadNative();
  return n.ok ? {ok: true} : {ok: false, reason: n.reason};
}

/** The micro-kernel of an ISA, or why it cannot run here. */
export function kernelFor(isa: Isa): {ok: true; kernel: KernelInfo} | {ok: false; reason: string} {
  const n = loadNative();
  if (!n.ok) return n;
  const kernel = n.addon.kernels().find((k) => k.isa === isa);
  if (!kernel) return {ok: false, reason: `no ${isa} kernel in this build`};
  if (!kernel.supported)
    return {ok: false, reason: `this CPU lacks ${isa === 'avx512' ? 'AVX-512F' : 'AVX2+FMA'} (${kernel.symbol} cannot run)`};
  return {ok: true, kernel};
}

export function bestIsa(): Isa | undefined {
  const n = loadNative();
  return n.ok ? n.addon.bestIsa() : undefined;
}

function addonOrThrow(): NativeAddon {
  const n = loadNative();
  if (!n.ok) throw new Error(n.reason);
  return n.addon;
}

export interface ConvGeometry {
  C: number;
  H: number;
  W: number;
  R: number;
  S: number;
  strideH?: number;
  strideW?: number;
  padH?: number;
  padW?: number;
  dilH?: number;
  dilW?: number;
}

/** Output spatial size of a convolution: P = ⌊(H + 2·padH − dilH·(R−1) − 1)/strideH⌋ + 1, Q likewise. */
export function convOutputSize(g: ConvGeometry): {P: number; Q: number} {
  const {H, W, R, S, strideH = 1, strideW = 1, padH = 0, padW = 0, dilH = 1, dilW = 1} = g;
  return {
    P: Math.floor((H + 2 * padH - dilH * (R - 1) - 1) / strideH) + 1,
    Q: Math.floor((W + 2 * padW - dilW * (S - 1) - 1) / strideW) + 1,
  };
}

/**
 * Native im2col of one NCHW image. input is C×H×W; out (length ≥ C·R·S·P·Q) receives the
 * (C·R·S) × (P·Q) column matrix row-major: out[((c·R + r)·S + s)·P·Q + p·Q + q] =
 * input[c·H·W + h·W + w] with h = p·strideH − padH + r·dilH, w = q·strideW − padW + s·dilW,
 * and 0 where (h, w) falls in the padding. Then conv = weights[K × C·R·S] · out → K × P·Q (NCHW).
 * Throws the loader's reason when the addon is unavailable.
 */
export function im2colNchw(
  input: Float32Array,
  C: number,
  H: number,
  W: number,
  R: number,
  S: number,
  strideH: number,
  strideW: number,
  padH: number,
  padW: number,
  dilH: number,
  dilW: number,
  out: Float32Array,
  threads = 1,
): {P: number; Q: number} {
  const [P, Q] = addonOrThrow().im2colNchw(input, C, H, W, R, S, strideH, strideW, padH, padW, dilH, dilW, out, threads);
  return {P, Q};
}

/**
 * Native im2col of one NHWC image. input is H×W×C; out receives the (P·Q) × (R·S·C) matrix
 * row-major: out[(p·Q + q)·R·S·C + (r·S + s)·C + c] = input[(h·W + w)·C + c] (h, w as for NCHW,
 * 0 in the padding). Then conv = out · weightsᵀ with weights stored K×R×S×C → P·Q × K (NHWC).
 */
export function im2colNhwc(
  input: Float32Array,
  C: number,
  H: number,
  W: number,
  R: number,
  S: number,
  strideH: number,
  strideW: number,
  padH: number,
  padW: number,
  dilH: number,
  dilW: number,
  out: Float32Array,
  threads = 1,
): {P: number; Q: number} {
  const [P, Q] = addonOrThrow().im2colNhwc(input, C, H, W, R, S, strideH, strideW, padH, padW, dilH, dilW, out, threads);
  return {P, Q};
}
