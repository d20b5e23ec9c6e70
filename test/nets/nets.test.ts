import {describe, expect, it} from 'vitest';
import {relWorst} from '../helpers/rel-error.js';
import {blockedEngine, engineNames, fastestEngine} from '../../src/kernels/gemm/engines.js';
import {nativeEngine} from '../../src/kernels/gemm/native.js';
import {nativeIsaOf} from '../../src/kernels/conv2d/winograd-native.js';
import {parseConvSize} from '../../src/nets/conv-layers.js';
import {conv} from '../../src/kernels/conv2d/spec.js';
import {autoConv, winogradWork} from '../../src/nets/auto-conv.js';
// The default engine is the fastest available (native once the addon built); im2col and fc
// variants exist once per engine, slowest first.
const FAST = fastestEngine({threads: 1}).id.replace('gemm/', '');
const IM2COL = [...engineNames()].reverse().map((e) => `conv2d/im2col-${e}`);
import type {Timer} from '../../src/measure/timer.js';
import {nets, type NetDef} from '../../src/nets/defs.js';
import {resolveChoice} from '../../src/nets/kernels.js';
import {END_TO_END_MIN_RUNS, type EndToEnd, forwardNet, netTotals, prepareForward, profileNet} from '../../src/nets/run-net.js';
import {findNet, planNet} from '../../src/nets/shapes.js';
import {summaryRows} from '../../src/report/net-table.js';
import {UsageError} from '../../src/core/errors.js';
import {allVariants} from '../../src/kernels/registry.js';

const caps = {threads: 1};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Small enough for conv2d/direct, yet with every layer type: grouped conv, LRN, pools, FC, softmax. */
const tiny: NetDef = {
  name: 'tiny',
  title: 'tiny',
  input: [3, 20, 20],
  layers: [
    {type: 'conv', name: 'conv1', k: 8, r: 5, stride: 2, pad: 1},
    {type: 'relu', name: 'relu1'},
    {type: 'lrn', name: 'norm1'},
    {type: 'maxpool', name: 'pool1', size: 3, stride: 2},
    {type: 'conv', name: 'conv2', k: 8, r: 3, pad: 1, groups: 2},
    {type: 'relu', name: 'relu2'},
    {type: 'conv', name: 'conv3', k: 6, r: 3, pad: 1},
    {type: 'relu', name: 'relu3'},
    {type: 'maxpool', name: 'pool2', size: 2, stride: 2},
    {type: 'flatten', name: 'flatten'},
    {type: 'dropout', name: 'drop'},
    {type: 'fc', name: 'fc1', out: 16},
    {type: 'relu', name: 'relu4'},
    {type: 'fc', name: 'fc2', out: 10},
    {type: 'softmax', name: 'prob'},
  ],
};

/** Channels and sizes where --conv auto picks Winograd with the native engine (conv1: F(4x4) at 24×24). */
const wide: NetDef = {
  name: 'wide',
  title: 'wide',
  input: [16, 24, 24],
  layers: [
    {type: 'conv', name: 'conv1', k: 32, r: 3, pad: 1},
    {type: 'relu', name: 'relu1'},
    {type: 'maxpool', name: 'pool1', size: 2, stride: 2},
    {type: 'conv', name: 'conv2', k: 24, r: 3, pad: 1},
    {type: 'relu', name: 'relu2'},
    {type: 'conv', name: 'conv3', k: 8, r: 3, pad: 1},
    {type: 'flatten', name: 'flatten'},
    {type: 'fc', name: 'fc1', out: 10},
    {type: 'softmax', name: 'prob'},
  ],
};

describe('network definitions', () => {
  it('VGG-16 reproduces the seeds table: per-layer memory and weights, 138M parameters', () => {
    const plans = planNet(findNet('vgg16'), 1);
    const rows = summaryRows(plans, [1, 3, 224, 224]);
    const want: [string, string, string][] = [
      ['input', '[224x224x3]', '0'],
      ['conv1_1', '[224x224x64]', '(3*3*3)*64 = 1,728'],
      ['conv1_2', '[224x224x64]', '(3*3*64)*64 = 36,864'],
      ['pool1', '[112x112x64]', '0'],
      ['conv2_1', '[112x112x128]', '(3*3*64)*128 = 73,728'],
      ['conv2_2', '[112x112x128]', '(3*3*128)*128 = 147,456'],
      ['pool2', '[56x56x128]', '0'],
      ['conv3_1', '[56x56x256]', '(3*3*128)*256 = 294,912'],
      ['conv3_2', '[56x56x256]', '(3*3*256)*256 = 589,824'],
      ['conv3_3', '[56x56x256]', '(3*3*256)*256 = 589,824'],
      ['pool3', '[28x28x256]', '0'],
      ['conv4_1', '[28x28x512]', '(3*3*256)*512 = 1,179,648'],
      ['conv4_2', '[28x28x512]', '(3*3*512)*512 = 2,359,296'],
      ['conv4_3', '[28x28x512]', '(3*3*512)*512 = 2,359,296'],
      ['pool4', '[14x14x512]', '0'],
      ['conv5_1', '[14x14x512]', '(3*3*512)*512 = 2,359,296'],
      ['conv5_2', '[14x14x512]', '(3*3*512)*512 = 2,359,296'],
      ['conv5_3', '[14x14x512]', '(3*3*512)*512 = 2,359,296'],
      ['pool5', '[7x7x512]', '0'],
      ['fc6', '[1x1x4096]', '7*7*512*4096 = 102,760,448'],
      ['fc7', '[1x1x4096]', '4096*4096 = 16,777,216'],
      ['fc8', '[1x1x1000]', '4096*1000 = 4,096,000'],
      ['prob', '[1x1x1000]', '0'],
    ];
    expect(rows.map((r) => [r.name, r.output, r.weights])).toEqual(want);
    expect(rows.find((r) => r.name === 'conv1_1')!.memory).toBe('224*224*64 = 3,211,264');
    expect(rows.find((r) => r.name === 'input')!.memory).toBe('224*224*3 = 150,528');
    expect(rows.find((r) => r.name === 'pool5')!.memory).toBe('7*7*512 = 25,088');
    expect(sum(plans.map((l) => l.weights))).toBe(138_344_128);
    expect(sum(plans.map((l) => l.params))).toBe(138_357_544);
    expect(Math.round(sum(plans.map((l) => l.params)) / 1e6)).toBe(138);
  });

  it('matches the published parameter counts of every network', () => {
    const want: Record<string, number> = {
      alexnet: 61_100_840,
      'alexnet-2012': 60_965_224,
      vgg11: 132_863_336,
      vgg13: 133_047_848,
      vgg16: 138_357_544,
      vgg19: 143_667_240,
    };
    for (const n of nets) expect(sum(planNet(n, 1).map((l) => l.params)), n.name).toBe(want[n.name]);
  });

  it('infers AlexNet-2012 shapes: 227 → 55 → 27 → 13 → 6, two groups in conv2/4/5', () => {
    const plans = planNet(findNet('alexnet-2012'), 2);
    const by = (name: string) => plans.find((l) => l.def.name === name)!;
    expect(by('conv1').outShape).toEqual([2, 96, 55, 55]);
    expect(by('pool1').outShape).toEqual([2, 96, 27, 27]);
    expect(by('pool2').outShape).toEqual([2, 256, 13, 13]);
    expect(by('pool5').outShape).toEqual([2, 256, 6, 6]);
    expect(['conv2', 'conv3', 'conv4', 'conv5'].map((n) => (by(n).kernel as {shape: {groups: number}}).shape.groups)).toEqual([
      2, 1, 2, 2,
    ]);
    expect(by('fc6').kernel!.shape).toMatchObject({kind: 'fc', n: 2, in: 9216, out: 4096});
  });

  it('counts conv FLOPs as 2·MACs plus the bias add', () => {
    const l = planNet(findNet('vgg16'), 1).find((x) => x.def.name === 'conv1_2')!;
    expect(l.macs).toBe(64 * 224 * 224 * 64 * 9);
    expect(l.flops).toBe(2 * l.macs + 64 * 224 * 224);
  });

  it('refuses unknown networks and kernel choices with UsageError', () => {
    expect(() => findNet('resnet50')).toThrow(UsageError);
    expect(() => resolveChoice('fft', undefined, caps)).toThrow(
      /--conv: unknown conv variant 'fft'. Valid: auto, direct, im2col/,
    );
    expect(() => resolveChoice(undefined, 'cublas', caps)).toThrow(/--gemm: unknown GEMM engine/);
  });
});

describe('network forward pass: any kernel choice agrees with the reference choice', () => {
  it('tiny net (grouped conv, LRN, pools, FC): direct = im2col = Winograd F(2x2) = F(4x4)', async () => {
    const ref = await forwardNet(tiny, 2, resolveChoice('direct', undefined, caps), 5, caps);
    expect(ref.length).toBe(2 * 10);
    for (let r = 0; r < 2; r++) expect(sum(Array.from(ref.subarray(r * 10, r * 10 + 10)))).toBeCloseTo(1, 5);
    for (const conv of ['auto', 'im2col', 'im2col-blocked', 'winograd-f2x3', 'winograd-f4x3']) {
      const out = await forwardNet(tiny, 2, resolveChoice(conv, undefined, caps), 5, caps);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(out[i] - ref[i]), conv).toBeLessThan(1e-5);
    }
  });

  it('--conv auto on a net with Winograd-sized layers agrees with the direct loops', async () => {
    const out = await forwardNet(wide, 1, resolveChoice('auto', undefined, caps), 4, caps);
    const ref = await forwardNet(wide, 1, resolveChoice('direct', undefined, caps), 4, caps);
    for (let i = 0; i < ref.length; i++) expect(Math.abs(out[i] - ref[i])).toBeLessThan(1e-5);
  });
});

describe('NHWC networks (--layout nhwc): the same function as NCHW, tensors laid out channels-last', () => {
  it('plans NHWC conv, pool, LRN and ReLU shapes, and marks fc6 as fed by an H·W·C flatten', () => {
    const plans = planNet(findNet('alexnet-2012'), 2, 'nhwc');
    const by = (name: string) => plans.find((l) => l.def.name === name)!;
    expect(by('conv2').kernel!.shape).toMatchObject({layout: 'nhwc', groups: 2, c: 96, k: 256});
    expect(by('norm1').kernel!.shape).toMatchObject({kind: 'lrn', layout: 'nhwc', c: 96, h: 55});
    expect(by('pool5').kernel!.shape).toMatchObject({kind: 'maxpool', layout: 'nhwc'});
    expect(by('relu1').kernel!.shape).toMatchObject({kind: 'relu', layout: 'nhwc'});
    expect(by('relu6').kernel!.shape).not.toHaveProperty('layout');
    expect(by('fc6').flattenedFrom).toEqual([256, 6, 6]);
    expect(by('fc7').flattenedFrom).toBeUndefined();
    expect(planNet(findNet('alexnet-2012'), 2).find((l) => l.def.name === 'fc6')!.flattenedFrom).toBeUndefined();
    // Shapes, parameters and FLOPs don't depend on the layout.
    const nchw = planNet(findNet('alexnet-2012'), 2);
    expect(plans.map((l) => [l.outShape, l.params, l.flops])).toEqual(nchw.map((l) => [l.outShape, l.params, l.flops]));
  });

  it('tiny net: NHWC with direct, im2col and Winograd equals the NCHW direct output', async () => {
    const ref = await forwardNet(tiny, 2, resolveChoice('direct', undefined, caps), 5, caps);
    for (const conv of ['direct', 'im2col', 'im2col-blocked', 'winograd-f2x3', 'winograd-f4x3']) {
      const out = await forwardNet(tiny, 2, resolveChoice(conv, undefined, caps), 5, caps, undefined, 'nhwc');
      expect(out.length).toBe(ref.length);
      expect(relWorst(out, ref), conv).toBeLessThan(1e-5);
    }
  });

  it('fcRowsChwToHwc moves each NCHW-flatten weight row to its NHWC-flatten position', async () => {
    const {fcRowsChwToHwc} = await import('../../src/nets/layout.js');
    const w = Float32Array.from({length: 2 * 2 * 3 * 2}, (_, i) => i);
    // c=2, h=2, w=3, out=2: NCHW row (c, y, x) = c·6 + y·3 + x moves to NHWC row (y·3 + x)·2 + c.
    const p = fcRowsChwToHwc(w, 2, 2, 3, 2);
    expect(Array.from(p.subarray(2 * 1, 2 * 2))).toEqual([12, 13]); // NHWC row 1 = pixel 0, channel 1 = NCHW row 6
    expect(Array.from(p.subarray(2 * 2, 2 * 3))).toEqual([2, 3]); // NHWC row 2 = pixel 1, channel 0 = NCHW row 1
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from(w));
  });
});

describe('per-layer profile', () => {
  // A fake clock: every sample takes 2 ms, so totals and shares are exact.
  const fakeTimer: Timer = {measure: async () => [2, 2, 2]};
  const timing = {timeBudgetMs: 1, minSamples: 1, warmupMs: 0, warmupIterations: 0};

  it('gives one checked row per layer, with layer info, totals and family shares', async () => {
    const rows = await profileNet(tiny, 1, {
      seed: 1,
      caps,
      choice: resolveChoice(undefined, undefined, caps),
      timing,
      timer: fakeTimer,
    });
    expect(rows.map((r) => r.layer!.name)).toEqual(tiny.layers.map((l) => l.name));
    expect(rows.map((r) => r.layer!.index)).toEqual(tiny.layers.map((_, i) => i));
    const timed = rows.filter((r) => r.state === 'ok');
    expect(timed.length).toBe(tiny.layers.length - 2);
    expect(rows.filter((r) => r.state === 'skipped').map((r) => r.layer!.type)).toEqual(['flatten', 'dropout']);
    expect(rows.find((r) => r.layer!.name === 'conv2')!.variant).toBe(`conv2d/im2col-${FAST}`);
    // At batch 1 the native engine's fc layers run packed (a streamed GEMV); other engines, one GEMM.
    expect(rows.find((r) => r.layer!.name === 'fc1')!.variant).toBe(FAST === 'native' ? 'layer/fc-packed' : `layer/fc-${FAST}`);
    const t = netTotals(rows);
    expect(t.totalMs).toBe(2 * timed.length);
    expect(t.byFamily).toEqual({conv: 6, fc: 4, other: 2 * (timed.length - 5)});
    expect(rows.find((r) => r.layer!.name === 'fc1')!.layer).toMatchObject({
      type: 'fc',
      outputShape: [1, 16],
      params: 6 * 2 * 2 * 16 + 16,
      activationBytes: 64,
    });
  });

  const profileTiny = (extra: Partial<Parameters<typeof profileNet>[2]>) =>
    profileNet(tiny, 1, {seed: 1, caps, choice: resolveChoice(undefined, undefined, caps), timing, timer: fakeTimer, ...extra});

  it('times whole forward passes end to end when asked: at least 20 runs, ordered quantiles', async () => {
    let e2e: EndToEnd | undefined;
    const labels: string[] = [];
    await profileTiny({
      onStart: (_i, label) => labels.push(label),
      onEndToEnd: (e) => {
        e2e = e;
      },
    });
    expect(labels.at(-1)).toBe('tiny b1 end-to-end');
    expect(e2e!.runs).toBeGreaterThanOrEqual(END_TO_END_MIN_RUNS);
    expect(END_TO_END_MIN_RUNS).toBeGreaterThanOrEqual(20);
    expect(e2e!.p50Ms).toBeGreaterThan(0);
    expect(e2e!.minMs).toBeLessThanOrEqual(e2e!.p50Ms);
    expect(e2e!.p50Ms).toBeLessThanOrEqual(e2e!.p90Ms);
    expect(e2e!.p90Ms).toBeLessThanOrEqual(e2e!.p99Ms);
  });

  it('the end-to-end pass (buffers chained, no copies) computes what the untimed forward pass computes', async () => {
    for (const threads of [1, 2]) {
      let out: Float32Array | undefined;
      const c = {threads};
      await profileNet(tiny, 2, {
        seed: 1,
        caps: c,
        choice: resolveChoice(undefined, undefined, c),
        timing,
        timer: fakeTimer,
        onEndToEnd: (_e, y) => {
          out = y;
        },
      });
      const ref = await forwardNet(tiny, 2, resolveChoice(undefined, undefined, c), 1, c);
      expect(out!.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) expect(out![i]).toBeCloseTo(ref[i], 5);
      // The same chain, prepared for another runtime's side-by-side timing: repeated passes agree.
      const fwd = await prepareForward(tiny, 2, resolveChoice(undefined, undefined, c), 1, c);
      try {
        for (let pass = 0; pass < 2; pass++) {
          const y = await fwd.run();
          for (let i = 0; i < ref.length; i++) expect(y[i]).toBeCloseTo(ref[i], 5);
        }
      } finally {
        await fwd.dispose();
      }
    }
  });

  it('skips the end-to-end pass when stopped (an interrupted net has nothing whole to time)', async () => {
    const ac = new AbortController();
    ac.abort();
    let called = false;
    await profileTiny({
      signal: ac.signal,
      onEndToEnd: () => {
        called = true;
      },
    });
    expect(called).toBe(false);
  });

  it('--best times every candidate per layer and keeps the fastest', async () => {
    const rows = await profileNet(tiny, 1, {
      seed: 1,
      caps,
      choice: resolveChoice(undefined, undefined, caps),
      timing: {...timing, timeBudgetMs: 5},
      timer: (await import('../../src/measure/timer.js')).tinybenchTimer,
      best: true,
    });
    const conv3 = rows.find((r) => r.layer!.name === 'conv3')!;
    expect(conv3.state).toBe('ok');
    const cands = String(conv3.metrics!.candidates).split('; ');
    // Candidates are the variants available at these caps (the workers engine needs 2 threads).
    const usable = IM2COL.filter(
      (id) =>
        allVariants()
          .find((v) => v.id === id)!
          .available(caps).ok,
    );
    expect(cands.map((c) => c.split(' ')[0]).sort()).toEqual(
      ['conv2d/direct', ...usable, 'conv2d/winograd-f2x3', 'conv2d/winograd-f4x3'].sort(),
    );
    const times = Object.fromEntries(cands.map((c) => [c.split(' ')[0], Number(c.split(' ')[1])]));
    if (conv3.state === 'ok') expect(conv3.stats.medianMs.toFixed(3)).toBe(Math.min(...Object.values(times)).toFixed(3));
    // Winograd is no candidate for the 5×5 stride-2 conv1.
    expect(String(rows[0].metrics!.candidates)).not.toMatch(/winograd/);
  });

  it('--best --layout nhwc: every candidate runs (and passes) the NHWC shapes; the output matches NCHW', async () => {
    let y: Float32Array | undefined;
    const rows = await profileNet(tiny, 2, {
      seed: 1,
      caps,
      choice: resolveChoice(undefined, undefined, caps),
      timing: {...timing, timeBudgetMs: 2},
      timer: (await import('../../src/measure/timer.js')).tinybenchTimer,
      best: true,
      layout: 'nhwc',
      onNetOutput: (o) => {
        y = o;
      },
    });
    expect(rows.every((r) => r.state === 'ok' || r.state === 'skipped')).toBe(true);
    const conv3 = rows.find((r) => r.layer!.name === 'conv3')!;
    expect(conv3.shape).toMatchObject({layout: 'nhwc'});
    const cands = String(conv3.metrics!.candidates).split('; ');
    expect(cands.some((c) => c.startsWith('conv2d/winograd-f2x3 ') && c.endsWith(' ms'))).toBe(true);
    expect(cands.every((c) => c.endsWith(' ms'))).toBe(true);
    expect(rows.find((r) => r.layer!.name === 'pool1')!.shapeText).toMatch(/-nhwc$/);
    const ref = await forwardNet(tiny, 2, resolveChoice('direct', undefined, caps), 1, caps);
    for (let i = 0; i < ref.length; i++) expect(Math.abs(y![i] - ref[i])).toBeLessThan(1e-5);
  });

  it('--conv auto (the default) picks per layer and says why in the row', async () => {
    const native = nativeIsaOf(fastestEngine(caps)) !== undefined;
    const rows = await profileNet(wide, 1, {
      seed: 1,
      caps,
      choice: resolveChoice(undefined, undefined, caps),
      timing,
      timer: fakeTimer,
    });
    const conv = (name: string) => rows.find((r) => r.layer!.name === name)!;
    expect(conv('conv1').variant).toBe(native ? 'conv2d/winograd-f4x3' : `conv2d/im2col-${FAST}`);
    expect(String(conv('conv1').metrics!.auto)).toMatch(
      native ? /^F\(4x4\): multiplies per channel·filter: F\(4x4\) \d+, F\(2x2\) \d+, im2col 5184$/ : /no native Winograd/,
    );
    // 8 filters: too few for the transforms to pay.
    expect(conv('conv3').variant).toBe(`conv2d/im2col-${FAST}`);
    if (native) expect(String(conv('conv3').metrics!.auto)).toMatch(/channels or filters per group < 16/);
    // A JS engine keeps im2col everywhere (the JS transforms lose to im2col).
    const js = await profileNet(wide, 1, {
      seed: 1,
      caps,
      choice: resolveChoice('auto', 'blocked', caps),
      timing,
      timer: fakeTimer,
    });
    expect(js.filter((r) => r.layer!.type === 'conv').map((r) => r.variant)).toEqual(Array(3).fill('conv2d/im2col-blocked'));
  });

  it('auto rule: im2col for 11×11 and for C = 3, F(4x4) on VGG 56×56, im2col on a JS engine', () => {
    if (!nativeIsaOf(nativeEngine)) return;
    expect(autoConv(parseConvSize('vgg16.conv1_1'), nativeEngine)).toEqual({
      conv: 'im2col',
      why: 'im2col: 3 channels or filters per group < 16',
    });
    expect(autoConv(parseConvSize('alexnet.conv1'), nativeEngine).conv).toBe('im2col');
    expect(autoConv(parseConvSize('vgg16.conv3_1'), nativeEngine).conv).toBe('winograd-f4x3');
    expect(autoConv(parseConvSize('vgg16.conv3_1'), blockedEngine).conv).toBe('im2col');
    // im2col pads too: 7×7 = 49 output columns fill two 32-lane (or four 16-lane) slivers, so F(2x2)'s 16 tiles win.
    expect(autoConv(conv({c: 512, h: 7, w: 7, k: 512, r: 3, pad: 1}), nativeEngine).conv).toBe('winograd-f2x3');
    // Padded tiles: 13×13 is 16 F(4x4) tiles (one 32-lane sliver, half empty) or 49 F(2x2) tiles (two slivers).
    const p = parseConvSize('alexnet.conv3');
    expect(winogradWork(p, 4, 32)).toBe(36 * 32);
    expect(winogradWork(p, 2, 32)).toBe(16 * 64);
    expect(winogradWork({...p, n: 3}, 4, 32)).toBe(36 * 64);
  });

  it('marks layers the chosen conv cannot run as an im2col fallback', async () => {
    const rows = await profileNet(tiny, 1, {
      seed: 1,
      caps,
      choice: resolveChoice('winograd-f2x3', undefined, caps),
      timing,
      timer: fakeTimer,
    });
    expect(rows[0].variant).toBe(`conv2d/im2col-${FAST}`);
    expect(String(rows[0].metrics!.fallback)).toMatch(/needs a 3×3 filter/);
    expect(rows.find((r) => r.layer!.name === 'conv3')!.variant).toBe('conv2d/winograd-f2x3');
  });
});
