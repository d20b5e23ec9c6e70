// Rung 6: native SIMD GEMM (the C addon in src/native). Over the JS blocked rung: the same
// Goto/BLIS loops (ic/MC → pc/KC → jc/NC → ir/MR → jr/NR) in C, fp32 FMA micro-kernels per ISA
// chosen at run time, and pthreads over bands of C. The same addon call serves as the `native`
// GEMM engine (strided views passed straight through, never copied) and as a worker base.
// Expected bottleneck: FMA issue in the micro-kernel (compute-bound on large squares).
// Importing this file loads nothing: the addon is loaded on first use (loader.ts memoizes it).
import type {KernelVariant} from '../../core/types.js';
import {bestIsa, kernelFor, loadNative, type Isa, type KernelInfo, type NativeAddon} from '../../native/loader.js';
import type {GemmCall, GemmEngine} from './engine.js';
import {blockingModel, machineCaches, SPLIT_CODE, sysfsCaches, type Blocking, type CacheSizes} from './native-blocking.js';
import {loadTuned, tuneFingerprint} from './native-tuned.js';
import {gemmSpec, type GemmInputs, type GemmShape} from './spec.js';

/**
 * The addon's tiles and blocks per micro-kernel (MR×NR, KC; NC; AVX2's MC), as its kernel table
 * reports them: test/native/gemm-native.test.ts checks these against the table.
 */
export const NATIVE_TILES = {
  avx512: {mr: 12, nr: 32, kc: 384},
  avx2: {mr: 6, nr: 16, kc: 512},
  scalar: {mr: 4, nr: 4, kc: 256},
  nc: 512,
  mcAvx2: 3072,
};

/**
 * Shapes where those tiles and blocks break: MR±1 / NR±1 and KC±1 for each micro-kernel, NC+1
 * (AVX-512's NC and the others'), MC+1 (AVX2's: one stretched ic block) and beyond 1.5·MC (two
 * balanced ic blocks on every ISA).
 */
export const nativeEdgeShapes: GemmShape[] = [
  {m: 11, n: 31, k: 383},
  {m: 13, n: 33, k: 385},
  {m: 12, n: 32, k: 384},
  {m: 5, n: 15, k: 511},
  {m: 7, n: 17, k: 513},
  {m: 6, n: 16, k: 512},
  {m: 3, n: 5, k: 255},
  {m: 5, n: 3, k: 257},
  {m: 25, n: 257, k: 9},
  {m: 25, n: 513, k: 9},
  {m: 3073, n: 19, k: 5},
  {m: 6200, n: 19, k: 5},
  // The other AVX-512 tiles (14x32, 8x48, 6x64), MR±1 by NR±1, and one shape with a masked edge
  // in both directions on every tile, across the model's KC.
  {m: 13, n: 31, k: 7},
  {m: 15, n: 33, k: 7},
  {m: 7, n: 47, k: 9},
  {m: 9, n: 49, k: 9},
  {m: 5, n: 63, k: 11},
  {m: 7, n: 65, k: 11},
  {m: 29, n: 97, k: 385},
];

/** The one place that decides the ISA a native rung runs: 'best' is the widest this CPU has. */
export function nativeIsa(which: Isa | 'best'): Isa {
  return which === 'best' ? (bestIsa() ?? 'scalar') : which;
}

function isaAvailability(which: Isa | 'best'): {ok: true} | {ok: false; reason: string} {
  const k = kernelFor(nativeIsa(which));
  return k.ok ? {ok: true} : {ok: false, reason: k.reason};
}

/** The addon, or an Error with the reason it cannot load. */
export function requireAddon(): NativeAddon {
  const n = loadNative();
  if (!n.ok) throw new Error(n.reason);
  return n.addon;
}

/** Resolves a GemmCall's defaults to the addon's positional arguments after `threads`. */
export function callArgs(
  g: GemmCall,
): [
  number,
  number,
  number,
  Float32Array,
  number,
  number,
  number,
  Float32Array,
  number,
  number,
  number,
  Float32Array,
  number,
  number,
  number,
] {
  const lda = g.lda ?? (g.transA ? g.m : g.k);
  const ldb = g.ldb ?? (g.transB ? g.k : g.n);
  return [
    g.m,
    g.n,
    g.k,
    g.a,
    g.aOffset ?? 0,
    lda,
    g.transA ? 1 : 0,
    g.b,
    g.bOffset ?? 0,
    ldb,
    g.transB ? 1 : 0,
    g.c,
    g.cOffset ?? 0,
    g.ldc ?? g.n,
    g.beta ?? 0,
  ];
}

const nativeId = (which: Isa | 'best'): `gemm/${string}` => (which === 'best' ? 'gemm/native' : `gemm/native-${which}`);

interface State {
  addon: NativeAddon;
  isa: Isa;
  threads: number;
  p: GemmShape;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

function describeKernel(isa: Isa): Record<string, number | string> {
  const k = kernelFor(isa);
  return k.ok
    ? {isa, kernel: k.kernel.symbol, mr: k.kernel.mr, nr: k.kernel.nr, mc: k.kernel.mc, kc: k.kernel.kc, nc: k.kernel.nc}
    : {isa};
}

/** 'best' is `gemm/native` (the widest ISA this CPU has); the others force one ISA. */
export function makeNative(which: Isa | 'best'): KernelVariant<GemmShape, GemmInputs, Float32Array, State> {
  let params: Record<string, number | string> | undefined;
  return {
    id: nativeId(which),
    op: 'gemm',
    backend: 'native',
    summary:
      which === 'best'
        ? 'C addon, Goto/BLIS packing + blocking, best SIMD micro-kernel dispatched at run time, pthreads'
        : `C addon forced to the ${which} micro-kernel (${which === 'scalar' ? 'portable reference' : `${which} FMA`}), pthreads`,
    // Read from the addon's kernel table, so on first use rather than at import.
    get params() {
      return (params ??= describeKernel(nativeIsa(which)));
    },
    spec: gemmSpec,
    available: () => isaAvailability(which),
    prepare: (p, {a, b}, {threads}) => ({
      addon: requireAddon(),
      isa: nativeIsa(which),
      threads,
      p,
      a,
      b,
      c: new Float32Array(p.m * p.n),
    }),
    run(s) {
      const {m, n, k} = s.p;
      s.addon.sgemm(s.isa, s.threads, m, n, k, s.a, 0, k, 0, s.b, 0, n, 0, s.c, 0, n, 0);
      return s.c;
    },
  };
}

export const native = makeNativeBest();
export const nativeAvx512 = makeNative('avx512');
export const nativeAvx2 = makeNative('avx2');
export const nativeScalar = makeNative('scalar');

/** The native GEMM as a building block: the whole GemmCall goes to the addon, which packs from the strided views. */
export function makeNativeEngine(which: Isa | 'best'): GemmEngine {
  return {
    id: nativeId(which),
    backend: 'native',
    available: () => isaAvailability(which),
    create({threads}) {
      const addon = requireAddon(),
        isa = nativeIsa(which);
      return {gemm: (g: GemmCall) => addon.sgemm(isa, threads, ...callArgs(g))};
    },
  };
}

export const nativeEngine = makeNativeEngine('best');

/** This machine's cache sizes (sysfs, else CPUID, else Zen 4's), read once. */
let cachesMemo: CacheSizes | undefined;
export function nativeCaches(): CacheSizes {
  return (cachesMemo ??= machineCaches(sysfsCaches(), requireAddon().cpuidCaches()));
}

/** One micro-kernel with its cache blocks, and where they came from. */
export interface NativeChoice {
  kernel: KernelInfo;
  blocking: Blocking;
  source: 'model' | 'tuned';
  why: string[];
}

/** Every GEMM micro-kernel this CPU can run (each ISA's default first), or [] without the addon. */
export function runnableKernels(): KernelInfo[] {
  const n = loadNative();
  return n.ok ? n.addon.kernels().filter((k) => k.supported && k.symbol) : [];
}

/** The blocking model's choice for one micro-kernel on this machine. */
export function modelChoice(kernel: KernelInfo): NativeChoice {
  const m = blockingModel(kernel, nativeCaches());
  return {kernel, blocking: {mc: m.mc, kc: m.kc, nc: m.nc, split: m.split}, source: 'model', why: m.why};
}

/**
 * What gemm/native runs: `dlbench tune`'s cached choice for this machine when a valid one exists,
 * else the model's blocks on the best ISA's default tile. `tuned: false` is gemm/native-untuned.
 */
export function nativeChoice(tuned: boolean, env: NodeJS.ProcessEnv = process.env): NativeChoice {
  const kernels = runnableKernels();
  const best = kernelFor(nativeIsa('best'));
  if (!best.ok) throw new Error(best.reason);
  if (tuned) {
    const t = loadTuned(tuneFingerprint(nativeCaches(), kernels), kernels, env);
    const k = t && kernels.find((x) => x.symbol === t.best.symbol);
    if (t && k) {
      const {mc, kc, nc, split} = t.best;
      return {
        kernel: k,
        blocking: {mc, kc, nc, split},
        source: 'tuned',
        why: [`dlbench tune ${t.tunedAt}: best of ${t.tried} tried at sizes ${t.sizes.join(',')}`],
      };
    }
  }
  return modelChoice(best.kernel);
}

function choiceParams(c: NativeChoice): Record<string, number | string> {
  const {kernel: k, blocking: b} = c;
  return {
    isa: k.isa,
    kernel: k.symbol,
    mr: k.mr,
    nr: k.nr,
    mc: b.mc,
    kc: b.kc,
    nc: b.nc,
    split: b.split,
    blocking: c.source,
    why: c.why.join('; '),
  };
}

interface ChoiceState {
  addon: NativeAddon;
  choice: NativeChoice;
  threads: number;
  p: GemmShape;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
}

/** A native rung on an explicit choice (kernel + blocks), picked on first use by `pick`. */
function makeChoiceVariant(
  id: `gemm/${string}`,
  summary: string,
  pick: () => NativeChoice,
  available: () => {ok: true} | {ok: false; reason: string},
): KernelVariant<GemmShape, GemmInputs, Float32Array, ChoiceState> {
  let choice: NativeChoice | undefined;
  const get = (): NativeChoice => (choice ??= pick());
  return {
    id,
    op: 'gemm',
    backend: 'native',
    summary,
    get params() {
      return available().ok ? choiceParams(get()) : {};
    },
    spec: gemmSpec,
    available,
    prepare: (p, {a, b}, {threads}) => ({addon: requireAddon(), choice: get(), threads, p, a, b, c: new Float32Array(p.m * p.n)}),
    run(s) {
      const {m, n, k} = s.p;
      const {kernel, blocking: bk} = s.choice;
      s.addon.sgemmWith(
        kernel.symbol,
        bk.mc,
        bk.kc,
        bk.nc,
        SPLIT_CODE[bk.split],
        s.threads,
        m,
        n,
        k,
        s.a,
        0,
        k,
        0,
        s.b,
        0,
        n,
        0,
        s.c,
        0,
        n,
        0,
      );
      return s.c;
    },
  };
}

/** gemm/native: the tuned choice when `dlbench tune` cached one for this machine, else the model's. */
export function makeNativeBest(env: NodeJS.ProcessEnv = process.env) {
  return makeChoiceVariant(
    'gemm/native',
    'C addon, Goto/BLIS packing + blocking from the cache model (or `dlbench tune`), best SIMD micro-kernel, pthreads',
    () => nativeChoice(true, env),
    () => isaAvailability('best'),
  );
}

/** The register-tile shapes the ladder shows, one rung each: gemm/native-<isa>-<MR>x<NR>. */
export const NATIVE_SHAPES = [
  {isa: 'avx512', mr: 12, nr: 32},
  {isa: 'avx512', mr: 14, nr: 32},
  {isa: 'avx512', mr: 8, nr: 48},
  {isa: 'avx512', mr: 6, nr: 64},
] as const satisfies readonly {isa: Isa; mr: number; nr: number}[];

export function makeNativeShape(isa: Isa, mr: number, nr: number) {
  const symbol = `dlb_sgemm_${isa}_${mr}x${nr}`;
  const find = (): KernelInfo | undefined => {
    const n = loadNative();
    return n.ok ? n.addon.kernels().find((k) => k.symbol === symbol) : undefined;
  };
  return makeChoiceVariant(
    `gemm/native-${isa}-${mr}x${nr}`,
    `C addon on the ${mr}×${nr} ${isa} register tile (${symbol}), cache blocks from the model`,
    () => modelChoice(find() as KernelInfo),
    () => {
      const n = loadNative();
      if (!n.ok) return {ok: false, reason: n.reason};
      const k = find();
      if (!k) return {ok: false, reason: `no ${symbol} in this build`};
      return k.supported ? {ok: true} : {ok: false, reason: `this CPU lacks ${isa} (${symbol} cannot run)`};
    },
  );
}

export const nativeUntuned = makeChoiceVariant(
  'gemm/native-untuned',
  "gemm/native on the blocking model's choice even when `dlbench tune` cached another (for comparison)",
  () => nativeChoice(false),
  () => isaAvailability('best'),
);
export const nativeShapes = NATIVE_SHAPES.map((s) => makeNativeShape(s.isa, s.mr, s.nr));
