// gemm/strassen-native (Strassen–Winograd with native leaves and native additions) and
// gemm/workers-native (the addon, one thread per piscina worker): correctness on odd shapes,
// the addon's Strassen passes against a JS reference, and the addon inside worker threads.
import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../src/core/rng.js';
import {nativeEngine} from '../../src/kernels/gemm/native.js';
import type {KernelVariant} from '../../src/core/types.js';
import {gemmSpec, type GemmInputs, type GemmShape} from '../../src/kernels/gemm/spec.js';
import {
  makeStrassen,
  NATIVE_CUTOFF,
  strassenDepth,
  strassenNative,
  strassenToleranceScale,
} from '../../src/kernels/gemm/strassen.js';
import {workersNative} from '../../src/kernels/gemm/workers.js';
import {loadNative, type NativeAddon} from '../../src/native/loader.js';
import {ROOT} from '../helpers/cli.js';

const mnk = (m: number, n: number, k: number): GemmShape => ({m, n, k});
const sq = (n: number): GemmShape => mnk(n, n, n);

function addon(): NativeAddon {
  const n = loadNative();
  if (!n.ok) throw new Error(n.reason);
  return n.addon;
}

function rand(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  fillUniform(x, createRng(seed));
  return x;
}

async function compute<S>(v: KernelVariant<GemmShape, GemmInputs, Float32Array, S>, p: GemmShape, threads: number) {
  const inputs = gemmSpec.makeInputs(p, 3);
  const s = await v.prepare(p, inputs, {threads});
  try {
    const c = Float32Array.from(await v.run(s));
    const again = Float32Array.from(await v.run(s));
    return {
      c,
      again,
      metrics: v.measuredMetrics?.(s) ?? {},
      check: gemmSpec.check(p, inputs, c, {toleranceScale: v.toleranceScale?.(p) ?? 1}),
    };
  } finally {
    await v.dispose?.(s);
  }
}

describe('native Strassen passes', () => {
  it('strassenAdd computes x ± y on strided views, in place when z aliases x or y', () => {
    const a = addon();
    const r = 5,
      c = 7,
      ld = 11;
    const x = rand(r * ld + 3, 1),
      y = rand(r * ld + 3, 2);
    for (const sign of [1, -1]) {
      const z = new Float32Array(r * c);
      a.strassenAdd(1, r, c, x, 3, ld, y, 0, ld, sign, z, 0, c);
      for (let i = 0; i < r; i++)
        for (let j = 0; j < c; j++) expect(z[i * c + j]).toBe(Math.fround(x[3 + i * ld + j] + sign * y[i * ld + j]));
    }
    const z = Float32Array.from(y);
    a.strassenAdd(1, r, c, x, 0, ld, z, 0, ld, -1, z, 0, ld); // z = x − z
    for (let i = 0; i < r; i++)
      for (let j = 0; j < c; j++) expect(z[i * ld + j]).toBe(Math.fround(x[i * ld + j] - y[i * ld + j]));
  });

  it('strassenAdd splits large passes over threads with the same result', () => {
    const a = addon();
    const r = 1100,
      c = 1000;
    const x = rand(r * c, 3),
      y = rand(r * c, 4),
      z1 = new Float32Array(r * c),
      z2 = new Float32Array(r * c);
    a.strassenAdd(1, r, c, x, 0, c, y, 0, c, -1, z1, 0, c);
    a.strassenAdd(3, r, c, x, 0, c, y, 0, c, -1, z2, 0, c);
    expect(z2).toEqual(z1);
  });

  it('strassenCombine matches the five Winograd output sums', () => {
    const a = addon();
    const h = 3,
      w = 4,
      ld = 2 * w;
    const p1 = rand(h * w, 5),
      c = rand(2 * h * ld, 6),
      before = Float32Array.from(c);
    const q = (qi: number, qj: number) => qi * h * ld + qj * w;
    a.strassenCombine(1, h, w, p1, 0, w, c, q(0, 0), q(0, 1), q(1, 0), q(1, 1), ld);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const at = (o: number) => before[o + i * ld + j];
        const u2 = Math.fround(p1[i * w + j] + at(q(0, 1))),
          u3 = Math.fround(u2 + at(q(1, 0)));
        expect(c[q(0, 1) + i * ld + j]).toBe(Math.fround(Math.fround(u2 + at(q(1, 1))) + at(q(0, 0))));
        expect(c[q(1, 0) + i * ld + j]).toBe(u3);
        expect(c[q(1, 1) + i * ld + j]).toBe(Math.fround(u3 + at(q(1, 1))));
        expect(c[q(0, 0) + i * ld + j]).toBe(before[q(0, 0) + i * ld + j]);
      }
    }
  });

  it('refuses views that run past their arrays', () => {
    const a = addon();
    const x = new Float32Array(10);
    expect(() => a.strassenAdd(1, 3, 4, x, 0, 4, x, 0, 4, 1, x, 0, 4)).toThrow(/runs past its array/);
    expect(() => a.strassenCombine(1, 2, 2, x, 0, 2, x, 0, 2, 4, 8, 4)).toThrow(/runs past its array/);
  });
});

describe('gemm/strassen-native', () => {
  it('recurses one level from its default cutoff on', () => {
    expect(strassenNative.id).toBe('gemm/strassen-native');
    expect(strassenDepth(sq(NATIVE_CUTOFF), NATIVE_CUTOFF)).toBe(0);
    expect(strassenDepth(sq(2 * NATIVE_CUTOFF), NATIVE_CUTOFF)).toBe(1);
  });

  const cutoff = 8;
  const small = makeStrassen(nativeEngine, cutoff);
  const shapes = [
    sq(1),
    sq(cutoff - 1),
    sq(cutoff),
    sq(cutoff + 1),
    sq(2 * cutoff + 1),
    mnk(31, 37, 41),
    mnk(97, 89, 101),
    mnk(130, 9, 33),
    mnk(9, 130, 33),
    mnk(129, 128, 127),
    mnk(13, 33, 385),
  ];
  for (const threads of [1, 2]) {
    for (const p of shapes) {
      it(`${gemmSpec.describe(p)}, cutoff ${cutoff}, ${threads} thread(s)`, async () => {
        const r = await compute(small, p, threads);
        expect(r.check.pass, `${r.check.error} > ${r.check.tolerance}`).toBe(true);
        expect(r.metrics.depth).toBe(strassenDepth(p, cutoff));
        expect(r.again).toEqual(r.c);
      });
    }
  }

  it('has error above classical GEMM at depth 4 and within the widened tolerance', async () => {
    const p = sq(128);
    const r = await compute(small, p, 1);
    expect(r.metrics.depth).toBe(4);
    expect(r.metrics.toleranceScale).toBe(strassenToleranceScale(p, cutoff));
    const inputs = gemmSpec.makeInputs(p, 3);
    const c = new Float32Array(p.m * p.n);
    addon().sgemm(addon().bestIsa(), 1, p.m, p.n, p.k, inputs.a, 0, p.k, 0, inputs.b, 0, p.n, 0, c, 0, p.n, 0);
    expect(r.check.error).toBeGreaterThan(gemmSpec.check(p, inputs, c).error);
  });
});

describe('gemm/workers-native', () => {
  it('names its single-threaded base for the scaling table', () => {
    expect(workersNative.id).toBe('gemm/workers-native');
    expect(workersNative.params?.base).toBe('gemm/native');
    expect(workersNative.available({threads: 2})).toEqual({ok: true});
  });

  const shapes = [mnk(1, 1, 1), mnk(7, 13, 11), mnk(97, 89, 101), mnk(1000, 3, 17), mnk(3, 1000, 17), mnk(130, 131, 385)];
  for (const threads of [1, 2, 3]) {
    it(`matches the reference on odd shapes with ${threads} thread(s)`, async () => {
      for (const p of shapes) {
        const r = await compute(workersNative, p, threads);
        expect(r.check.pass, `${gemmSpec.describe(p)}: ${r.check.error} > ${r.check.tolerance}`).toBe(true);
        expect(r.metrics.threads).toBe(threads);
        expect(r.again).toEqual(r.c);
      }
    });
  }
});

describe('the addon in worker threads', () => {
  it('loads in several worker threads at once (context-aware) and their one-thread GEMMs agree', () => {
    // Two workers each load the addon and run the same one-thread sgemm concurrently; they
    // must agree with each other and with the main thread (per-thread scratch, no shared state).
    // CommonJS (no --input-type=module): eval'd workers inherit the parent's input type.
    const script = `
      const {Worker} = require('node:worker_threads');
      const file = ${JSON.stringify(`${ROOT}/src/native/build/Release/dlbench_native.node`)};
      const code = \`
        const {parentPort, workerData} = require('node:worker_threads');
        const addon = require(workerData.file);
        const n = 300, a = new Float32Array(n * n), b = new Float32Array(n * n), c = new Float32Array(n * n);
        for (let i = 0; i < n * n; i++) { a[i] = ((i * 7) % 13) / 13 - 0.5; b[i] = ((i * 5) % 11) / 11 - 0.5; }
        for (let r = 0; r < 20; r++) addon.sgemm(addon.bestIsa(), 1, n, n, n, a, 0, n, 0, b, 0, n, 0, c, 0, n, 0);
        let s = 0; for (const x of c) s += x;
        parentPort.postMessage(s);\`;
      const run = () => new Promise((ok, bad) => { const w = new Worker(code, {eval: true, workerData: {file}}); w.on('message', ok); w.on('error', bad); });
      Promise.all([run(), run(), run()]).then((s) => console.log(JSON.stringify(s)));`;
    const out = execFileSync(process.execPath, ['-e', script], {cwd: ROOT}).toString();
    const sums = JSON.parse(out) as number[];
    expect(sums).toHaveLength(3);
    expect(Number.isFinite(sums[0])).toBe(true);
    expect(sums[1]).toBe(sums[0]);
    expect(sums[2]).toBe(sums[0]);
  });
});
