// The roofline floor of a forward pass (`dlbench net`), on synthetic roofs with round numbers so
// every expected value is worked out by hand here.
import {describe, expect, it} from 'vitest';
import type {Roofs} from '../../src/measure/roofs.js';
import type {NetDef} from '../../src/nets/defs.js';
import {NO_ROOFS_NOTE, netFloor} from '../../src/nets/floor.js';
import {planNet} from '../../src/nets/shapes.js';
import {floorLine} from '../../src/report/net-table.js';

const roofs: Roofs = {
  roofsVersion: 1,
  fingerprint: '0123456789abcdef',
  measuredAt: '2026-12-06T00:00:00Z',
  durationMs: 1,
  quick: false,
  machine: {cpu: 'test', cores: 2, arch: 'x64', caches: {L1d: '48K', L2: '1024K', L3: '32M'}, node: 'v20'},
  threads: {one: 1, all: 2},
  native: {ok: true, bestIsa: 'avx512'},
  compute: [
    {isa: 'avx512', dtype: 'f32', threads: 1, gflops: 100},
    {isa: 'avx512', dtype: 'f32', threads: 2, gflops: 200},
    {isa: 'js', dtype: 'f64', threads: 1, gflops: 5},
  ],
  memory: [
    {kind: 'stream-triad', threads: 1, arrayBytes: 2 ** 27, gbps: 20},
    {kind: 'stream-triad', threads: 2, arrayBytes: 2 ** 27, gbps: 30},
  ],
  caches: [
    {level: 'L1', threads: 1, bytesPerThread: 24576, gbps: 300},
    {level: 'L2', threads: 1, bytesPerThread: 524288, gbps: 150},
    {level: 'L3', threads: 1, bytesPerThread: 2 ** 24, gbps: 80},
    {level: 'L1', threads: 2, bytesPerThread: 24576, gbps: 600},
    {level: 'L2', threads: 2, bytesPerThread: 524288, gbps: 300},
    {level: 'L3', threads: 2, bytesPerThread: 2 ** 23, gbps: 100},
  ],
};

/** Flatten, one fc layer of `out` outputs, ReLU: an fc layer is memory-bound at batch 1. */
const fcNet = (out: number): NetDef => ({
  name: 'fcnet',
  title: 'fc',
  input: [1024, 1, 1],
  layers: [
    {type: 'flatten', name: 'flatten'},
    {type: 'fc', name: 'fc', out},
    {type: 'relu', name: 'relu'},
  ],
});

describe('netFloor', () => {
  it('fc weights that fit the L3 stream from it; activations from L1; the identity flatten costs nothing', () => {
    const f = netFloor(planNet(fcNet(1024), 1), roofs, 1, 'native');
    if (!('ms' in f)) throw new Error(f.reason);
    // fc: 4·(1024·1024 + 1024) weight bytes read at the L3 probe's 80 GB/s, 4·(1024 + 1024)
    // activation bytes (read and written) at L1's read+write bound, 2 × its 300 GB/s read probe;
    // its 2·1024·1024 + 1024 FLOPs at 100 GFLOP/s take less.
    const fc = (4 * (1024 * 1024 + 1024)) / 80e6 + (4 * 2048) / 600e6;
    const relu = (4 * 2048) / 600e6;
    expect(f.layers.map((l) => l.name)).toEqual(['fc', 'relu']);
    expect(f.layers[0].ms).toBeCloseTo(fc, 9);
    expect(f.layers[0].bound).toBe('memory');
    expect(f.layers[1].ms).toBeCloseTo(relu, 9);
    expect(f.ms).toBeCloseTo(fc + relu, 9);
    expect(f).toMatchObject({peakGflops: 100, weightGbps: 80, weightLevel: 'L3'});
  });

  it('weights beyond the L3 come from DRAM, and two threads use the two-thread roofs', () => {
    const plans = planNet(fcNet(16384), 1);
    const one = netFloor(plans, roofs, 1, 'native');
    const two = netFloor(plans, roofs, 2, 'native');
    if (!('ms' in one) || !('ms' in two)) throw new Error('no floor');
    const wb = 4 * (1024 * 16384 + 16384),
      ab = 4 * (1024 + 16384);
    expect(one.weightLevel).toBe('DRAM');
    // Weights from DRAM at the bus rate: STREAM triad × 4/3 (its write-allocate traffic), 20 → 26.7
    // GB/s on 1 thread, 30 → 40 on 2. 68 KiB of activations: one thread's L1 (48 KiB) serves the
    // first 48 KiB at 2 × 300 GB/s, its L2 the rest at 2 × 150; two threads have 96 KiB of L1 at 2 × 600.
    expect(one.layers[0].ms).toBeCloseTo(wb / ((20 * 4) / 3) / 1e6 + (49152 / 600e9 + (ab - 49152) / 300e9) * 1e3, 9);
    expect(two.layers[0].ms).toBeCloseTo(wb / 40e6 + ab / 1200e6, 9);
    expect(two.peakGflops).toBe(200);
  });

  it('a conv layer with many FLOPs per byte is compute-bound: FLOPs (bias adds included) over the peak', () => {
    const net: NetDef = {name: 'c', title: 'c', input: [64, 56, 56], layers: [{type: 'conv', name: 'conv', k: 64, r: 3, pad: 1}]};
    const [plan] = planNet(net, 1);
    const f = netFloor([plan], roofs, 1, 'native');
    if (!('ms' in f)) throw new Error(f.reason);
    expect(plan.flops).toBe(2 * 64 * 56 * 56 * 64 * 9 + 64 * 56 * 56);
    expect(f.layers[0]).toMatchObject({bound: 'compute'});
    expect(f.ms).toBeCloseTo(plan.flops / 100e6, 9);
  });

  it('a JS engine is bounded by the JS peak; no roofs, or none for the backend, is a reason, not a number', () => {
    const f = netFloor(planNet(fcNet(8), 1), roofs, 1, 'js');
    expect('ms' in f && f.peakGflops).toBe(5);
    expect(netFloor(planNet(fcNet(8), 1), undefined, 1, 'native')).toEqual({reason: NO_ROOFS_NOTE});
    expect(netFloor(planNet(fcNet(8), 1), roofs, 1, 'webgpu')).toMatchObject({reason: expect.stringMatching(/no compute peak/)});
  });

  it('prints the floor and the end-to-end ratio, or why there is none', () => {
    const f = netFloor(planNet(fcNet(1024), 1), roofs, 1, 'native');
    const e = {runs: 20, p50Ms: 0.1, p90Ms: 0.1, p99Ms: 0.1, minMs: 0.1, meanMs: 0.1};
    if (!('ms' in f)) throw new Error(f.reason);
    const line = floorLine(f, e);
    expect(line).toMatch(/^roofline floor 5\d\.\d+ µs .*peak 100 GFLOP\/s, weights from L3 at 80(\.0)? GB\/s/);
    expect(line).toContain(`end-to-end p50 / floor = ${(0.1 / f.ms).toFixed(2)}`);
    expect(floorLine({reason: NO_ROOFS_NOTE})).toBe(`roofline floor: none (${NO_ROOFS_NOTE})`);
  });
});
