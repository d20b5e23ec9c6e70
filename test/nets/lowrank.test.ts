import {describe, expect, it} from 'vitest';
import {UsageError} from '../../src/core/errors.js';
import {createRng, fillUniform} from '../../src/core/rng.js';
import {blockedEngine} from '../../src/kernels/gemm/engines.js';
import {fcLowRankSpec, makeFcLowRank} from '../../src/kernels/layers/fc-lowrank.js';
import {makeFc} from '../../src/kernels/layers/fc.js';
import {layerSpec} from '../../src/kernels/layers/spec.js';
import type {Timer} from '../../src/measure/timer.js';
import type {NetDef} from '../../src/nets/defs.js';
import {resolveChoice} from '../../src/nets/kernels.js';
import {breakEvenRank, compressNetFc, outputChange, parseLowrank} from '../../src/nets/lowrank.js';
import {profileNet} from '../../src/nets/run-net.js';
import {planNet} from '../../src/nets/shapes.js';
import {layerWeights, type LayerWeights} from '../../src/nets/weights.js';
import {runCli} from '../helpers/cli.js';

const caps = {threads: 1};
const rand = (len: number, seed: number): Float32Array => {
  const a = new Float32Array(len);
  fillUniform(a, createRng(seed));
  return a;
};

/** One conv, then fc 256→64 and fc 64→10: small enough for the full SVD, big enough to compress. */
const small: NetDef = {
  name: 'small',
  title: 'small',
  input: [3, 8, 8],
  layers: [
    {type: 'conv', name: 'conv1', k: 4, r: 3, pad: 1},
    {type: 'relu', name: 'relu1'},
    {type: 'flatten', name: 'flatten'},
    {type: 'fc', name: 'fc1', out: 64},
    {type: 'relu', name: 'relu2'},
    {type: 'fc', name: 'fc2', out: 10},
    {type: 'softmax', name: 'prob'},
  ],
};

/** Weights of rank `k` plus a little noise (trained layers' spectra decay; seeded uniform ones do not). */
function lowRankWeights(nIn: number, nOut: number, k: number, seed: number): Float32Array {
  const a = rand(nIn * k, seed),
    b = rand(k * nOut, seed + 1),
    noise = rand(nIn * nOut, seed + 2);
  const w = new Float32Array(nIn * nOut);
  for (let i = 0; i < nIn; i++)
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * nOut + j];
      w[i * nOut + j] = s / Math.sqrt(nIn) + 1e-4 * noise[i * nOut + j];
    }
  return w;
}

function cacheWithLowRankFc(seed: number): Map<number, LayerWeights | undefined> {
  const cache = new Map<number, LayerWeights | undefined>();
  for (const l of planNet(small, 1)) {
    const w = layerWeights(l, seed);
    if (l.def.type === 'fc' && w && l.kernel?.op === 'layer' && l.kernel.shape.kind === 'fc') {
      w.w = lowRankWeights(l.kernel.shape.in, l.kernel.shape.out, 4, 40 + l.index);
    }
    cache.set(l.index, w);
  }
  return cache;
}

const timing = {timeBudgetMs: 1, minSamples: 1, warmupMs: 0, warmupIterations: 0};
const fakeTimer: Timer = {measure: async () => [1]};

async function netOutput(
  lowrank: Awaited<ReturnType<typeof compressNetFc>> | undefined,
  cache: Map<number, LayerWeights | undefined>,
  batch = 3,
) {
  let y: Float32Array | undefined;
  const rows = await profileNet(small, batch, {
    seed: 7,
    caps,
    choice: resolveChoice('im2col', 'blocked', caps),
    timing,
    timer: fakeTimer,
    weightCache: cache,
    lowrank,
    onNetOutput: (out) => {
      y = out;
    },
  });
  return {rows, y: y!};
}

describe('--lowrank parsing', () => {
  it('reads a rank or an energy fraction', () => {
    expect(parseLowrank('256')).toBe(256);
    expect(parseLowrank('1')).toBe(1);
    expect(parseLowrank('0.9')).toBe(0.9);
    expect(parseLowrank('.5')).toBe(0.5);
  });

  it.each(['0', '1.5', '-3', 'abc', '', '0.0', '2e3', '1,2'])('refuses %j with a UsageError naming --lowrank', (bad) => {
    expect(() => parseLowrank(bad)).toThrow(UsageError);
    expect(() => parseLowrank(bad)).toThrow(
      /^--lowrank: .* is not a rank \(integer ≥ 1, e\.g\. 256\) or an energy fraction in \(0, 1\)/,
    );
  });

  it('dlbench net exits 2 with one line naming --lowrank on a bad value', async () => {
    for (const bad of ['0', '1.5', 'x']) {
      const r = await runCli(['net', 'alexnet', '--lowrank', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--lowrank: '.*' is not a rank/);
    }
  });
});

describe('factored FC layer', () => {
  it('(x·U)·V + b equals the dense layer with W = U·V, and passes its own check', async () => {
    const p = {kind: 'fc' as const, n: 3, in: 37, out: 29, rank: 5};
    const inputs = fcLowRankSpec.makeInputs(p, 3);
    const w = new Float32Array(p.in * p.out);
    for (let i = 0; i < p.in; i++)
      for (let j = 0; j < p.out; j++) {
        let s = 0;
        for (let t = 0; t < p.rank; t++) s += inputs.u[i * p.rank + t] * inputs.v[t * p.out + j];
        w[i * p.out + j] = s;
      }
    const lr = makeFcLowRank(blockedEngine),
      dense = makeFc(blockedEngine);
    const s1 = await lr.prepare(p, inputs, caps);
    const y = Float32Array.from(await lr.run(s1));
    const fc = {kind: 'fc' as const, n: p.n, in: p.in, out: p.out};
    const s2 = await dense.prepare(fc, {x: inputs.x, w, bias: inputs.bias}, caps);
    const y0 = await dense.run(s2);
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - y0[i])).toBeLessThan(1e-4 * (1 + Math.abs(y0[i])));
    expect(fcLowRankSpec.check(p, inputs, y).pass).toBe(true);
    // The dense reference judges the factored output too, once W = U·V (two roundings vs one: wider tolerance).
    expect(layerSpec.check(fc, {x: inputs.x, w, bias: inputs.bias}, y, {toleranceScale: 4}).pass).toBe(true);
    // A wrong output fails the factor check.
    y[7] += 0.01;
    expect(fcLowRankSpec.check(p, inputs, y).pass).toBe(false);
    expect(fcLowRankSpec.flops(p)).toBe(2 * 3 * 5 * (37 + 29) + 3 * 29);
  });
});

describe('dlbench net --lowrank (small network)', () => {
  it('at a high energy fraction the output barely moves, top-1 agrees, and the params saved add up', async () => {
    const cache = cacheWithLowRankFc(7);
    const lowrank = await compressNetFc(small, 0.999, {seed: 7, engine: blockedEngine, threads: 1, weightCache: cache});
    expect([...lowrank.values()].map((c) => c.layer)).toEqual(['fc1', 'fc2']);
    for (const c of lowrank.values()) {
      expect(c.keptDense).toBeUndefined();
      expect(c.rank).toBe(4);
      expect(c.paramsBefore).toBe(c.in * c.out);
      expect(c.paramsAfter).toBe(c.rank * (c.in + c.out));
      expect(c.energy).toBeGreaterThanOrEqual(0.999);
      expect(c.relError).toBeLessThan(0.01);
    }
    expect(lowrank.get(3)!.in).toBe(256);
    const saved = [...lowrank.values()].reduce((a, c) => a + c.paramsBefore - c.paramsAfter, 0);
    expect(saved).toBe(256 * 64 - 4 * (256 + 64) + 64 * 10 - 4 * (64 + 10));

    const dense = await netOutput(undefined, cache);
    const comp = await netOutput(lowrank, cache);
    const fcRows = comp.rows.filter((r) => r.layer?.type === 'fc');
    expect(fcRows.map((r) => r.variant)).toEqual(['layer/fc-lowrank-blocked', 'layer/fc-lowrank-blocked']);
    expect(fcRows.every((r) => r.state === 'ok')).toBe(true);
    expect(fcRows[0].metrics).toMatchObject({
      lowrankRank: 4,
      paramsBefore: 256 * 64,
      paramsAfter: 4 * 320,
      lowrankMethod: 'full',
    });
    expect(fcRows[0].flops).toBe(2 * 3 * 4 * 320 + 3 * 64);
    const ch = outputChange(comp.y, dense.y, 10);
    expect(ch.images).toBe(3);
    expect(ch.relL2).toBeGreaterThan(0);
    expect(ch.relL2).toBeLessThan(1e-2);
    expect(ch.top1Agree).toBe(3);
  });

  it('--layout nhwc: the factors are taken of the H·W·C-ordered fc1, so the compressed NHWC network matches the NCHW one', async () => {
    const outs: Float32Array[] = [];
    for (const layout of ['nchw', 'nhwc'] as const) {
      const cache = new Map<number, LayerWeights | undefined>();
      const lowrank = await compressNetFc(small, 8, {seed: 7, engine: blockedEngine, threads: 1, weightCache: cache, layout});
      expect(lowrank.get(3)!.rank).toBe(8);
      const rows = await profileNet(small, 2, {
        seed: 7,
        caps,
        choice: resolveChoice('im2col', 'blocked', caps),
        timing,
        timer: fakeTimer,
        weightCache: cache,
        lowrank,
        layout,
        onNetOutput: (y) => outs.push(y),
      });
      expect(rows.every((r) => r.state === 'ok' || r.state === 'skipped')).toBe(true);
      expect(rows.find((r) => r.layer?.name === 'fc1')!.variant).toBe('layer/fc-lowrank-blocked');
    }
    expect(outs).toHaveLength(2);
    const ch = outputChange(outs[1], outs[0], 10);
    expect(ch.relL2).toBeLessThan(1e-4);
    expect(ch.top1Agree).toBe(2);
  });

  it('a low rank moves the output more, and an energy no rank below break-even reaches keeps the layer dense', async () => {
    const cache = cacheWithLowRankFc(7);
    const dense = await netOutput(undefined, cache);
    const r1 = await compressNetFc(small, 1, {seed: 7, engine: blockedEngine, threads: 1, weightCache: cache});
    const c1 = outputChange((await netOutput(r1, cache)).y, dense.y, 10);
    expect(c1.relL2).toBeGreaterThan(1e-2);
    // Seeded uniform weights have a flat spectrum: 99.9% of fc2's energy needs (nearly) all 10 values.
    const flat = new Map<number, LayerWeights | undefined>();
    const kept = await compressNetFc(small, 0.999, {seed: 7, engine: blockedEngine, threads: 1, weightCache: flat});
    const fc2 = kept.get(5)!;
    expect(fc2.keptDense).toMatch(new RegExp(`needs rank > ${breakEvenRank(64, 10)} \\(break-even\\)`));
    expect(fc2.paramsAfter).toBe(fc2.paramsBefore);
    const rows = (await netOutput(kept, flat)).rows;
    const row = rows.find((r) => r.layer?.name === 'fc2')!;
    expect(row.variant).toBe('layer/fc-blocked');
    expect(row.metrics?.lowrankRank).toBe('dense');
  });

  it('outputChange: relative L2 and per-image arg-max agreement', () => {
    const y0 = Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.3, 0.2]);
    const y = Float32Array.from([0.1, 0.2, 0.7, 0.5, 0.3, 0.2]);
    const c = outputChange(y, y0, 3);
    expect(c.relL2).toBeCloseTo(Math.sqrt((2 * 0.25) / (0.01 + 0.49 + 0.04 + 0.25 + 0.09 + 0.04)), 6);
    expect([c.top1Agree, c.images]).toEqual([1, 2]);
  });
});
