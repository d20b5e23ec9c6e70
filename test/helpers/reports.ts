// Synthetic results files for report/compare tests: every kind of row other rungs write
// (GEMM, conv2d, SVD with accuracy metrics, network layers, machine roofs, skipped and failed
// rows), with samples drawn from a seeded distribution so statistics have known answers.
import {createRng} from '../../src/core/rng.js';
import {summarize, HIGH_SPREAD} from '../../src/measure/stats.js';
import {SCHEMA_VERSION, type CaseResult, type OkCase, type Report} from '../../src/core/results.js';

export function samples(n: number, medianMs: number, seed: number, relNoise = 0.02): number[] {
  const rng = createRng(seed);
  // Positive, right-skewed like real timings: a floor plus exponential-ish noise.
  return Array.from(
    {length: n},
    () => medianMs * (1 - relNoise) + (medianMs * relNoise * 2 * -Math.log(1 - rng.next())) / Math.LN2 / 2,
  );
}

export function okCase(op: string, variant: string, shapeText: string, samplesMs: number[], extra: Partial<OkCase> = {}): OkCase {
  const stats = summarize(samplesMs);
  const flops = extra.flops ?? 2 * 64 ** 3;
  const bytes = extra.bytes ?? 4 * 3 * 64 ** 2;
  return {
    op: op as OkCase['op'],
    variant,
    backend: 'js',
    params: {},
    shape: {},
    shapeText,
    seed: 42,
    inputDistribution: 'uniform[-1,1)',
    flops,
    macs: flops / 2,
    bytes,
    ai: flops / bytes,
    state: 'ok',
    check: {pass: true, method: 'reference', error: 1e-7, tolerance: 1e-5},
    stats,
    gflops: flops / (stats.medianMs * 1e6),
    prepareMs: 0.1,
    firstCallMs: stats.maxMs,
    highSpread: stats.relSpread > HIGH_SPREAD,
    samplesMs,
    ...extra,
  };
}

export function makeReport(results: CaseResult[], context: Record<string, unknown> = {}): Report {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: 'dlbench',
    createdAt: '2025-01-01T00:00:00.000Z',
    interrupted: false,
    context: {
      cpu: {
        model: 'Test CPU',
        cores: 2,
        speedMHz: 3000,
        arch: 'x64',
        flags: ['avx2'],
        caches: {L1d: '32K', L2: '1024K', L3: '32768K'},
      },
      memory: {totalBytes: 24 * 2 ** 30},
      os: {platform: 'linux', release: '6.1', type: 'Linux'},
      runtime: {node: '20.0.0', v8: '11'},
      dlbench: {version: '0.1.0', gitCommit: 'abcdef1234567890'},
      packages: {tinybench: '6.2.3'},
      hostname: 'test-host',
      ...context,
    },
    config: {preset: 'test', seed: 42, threads: 2, timeBudgetMs: 250, minSamples: 5, warmupMs: 50},
    results,
  };
}

/** GEMM ladder at two sizes; `scale` multiplies every time of `slowVariant` (a synthetic slowdown). */
export function gemmReport(
  seed: number,
  opts: {scale?: number; slowVariant?: string; machine?: number; n?: number} = {},
): Report {
  const rows: CaseResult[] = [];
  const base: Record<string, number> = {'gemm/naive-ijk': 1.0, 'gemm/reordered-ikj': 0.8, 'gemm/blocked': 0.3};
  let s = seed;
  for (const size of [64, 128]) {
    for (const [v, t] of Object.entries(base)) {
      const scale = (opts.machine ?? 1) * (v === opts.slowVariant ? (opts.scale ?? 1) : 1);
      rows.push(
        okCase('gemm', v, `${size}x${size}x${size}`, samples(opts.n ?? 60, t * (size / 64) ** 3 * scale, s++ * 7919), {
          flops: 2 * size ** 3,
          bytes: 12 * size ** 2,
        }),
      );
    }
  }
  return makeReport(rows);
}

/** Every kind of row the report must draw: GEMM, conv2d, SVD with metrics, a network, roofs. */
export function fullReport(): Report {
  const rows: CaseResult[] = [...gemmReport(1).results];
  for (const [i, n] of [
    [0, 16],
    [1, 32],
  ] as const) {
    rows.push(
      okCase('conv2d', 'conv2d/direct', `1x${n}x28x28 k3 c${n}`, samples(30, 2 + i, 100 + i), {flops: 2e7 * (i + 1), bytes: 4e5}),
    );
    rows.push(
      okCase('conv2d', 'conv2d/im2col-blocked', `1x${n}x28x28 k3 c${n}`, samples(30, 0.8 + i, 200 + i), {
        flops: 2e7 * (i + 1),
        bytes: 4e5,
      }),
    );
  }
  rows.push(okCase('svd', 'svd/jacobi', '128x128', samples(20, 30, 300), {metrics: {relFrobError: 3e-7, orthogonality: 2e-6}}));
  rows.push(
    okCase('svd', 'svd/randomized-k16', '128x128 k16', samples(20, 4, 301), {
      metrics: {relFrobError: 0.21, optimalRelError: 0.2, orthogonality: 4e-7, rank: 16},
    }),
  );
  const layers: [string, string, number][] = [
    ['conv1', 'conv', 5],
    ['relu1', 'relu', 0.3],
    ['pool1', 'pool', 0.4],
    ['conv2', 'conv', 7],
    ['fc6', 'fc', 2],
    ['softmax', 'softmax', 0.05],
  ];
  layers.forEach(([name, type, t], index) => {
    rows.push(
      okCase(
        type === 'conv' ? 'conv2d' : type === 'fc' ? 'gemm' : 'layer',
        `${type === 'conv' ? 'conv2d' : type === 'fc' ? 'gemm' : 'layer'}/${type}-net`,
        `alexnet-${name}`,
        samples(10, t, 400 + index),
        {
          layer: {
            net: 'alexnet',
            index,
            name,
            type,
            outputShape: [1, 64, 27, 27],
            params: 1000 * index,
            activationBytes: 4 * 64 * 27 * 27,
          },
        },
      ),
    );
  });
  rows.push({
    ...okCase('gemm', 'gemm/native-avx512', '64x64x64', samples(20, 0.01, 500)),
    backend: 'native',
    params: {isa: 'avx512'},
    roof: {peakGflops: 150, attainableGflops: 150, pctOfPeak: 35, bound: 'compute', aboveRoof: false},
  });
  rows.push({
    op: 'gemm',
    variant: 'gemm/webgpu',
    backend: 'webgpu',
    params: {},
    shape: {},
    shapeText: '64x64x64',
    seed: 42,
    inputDistribution: 'u',
    flops: 1,
    macs: 1,
    bytes: 1,
    ai: 1,
    state: 'skipped',
    reason: 'no WebGPU adapter',
  });
  rows.push({
    op: 'gemm',
    variant: 'gemm/broken',
    backend: 'js',
    params: {},
    shape: {},
    shapeText: '64x64x64',
    seed: 42,
    inputDistribution: 'u',
    flops: 1,
    macs: 1,
    bytes: 1,
    ai: 1,
    state: 'check-failed',
    check: {pass: false, method: 'reference', error: 0.5, tolerance: 1e-5, detail: 'max error at C[3,4]'},
    firstCallMs: 1,
  });
  return makeReport(rows, {
    roofs: testRoofs(),
    webgpu: {available: false, reason: 'no WebGPU adapter'},
  });
}

/** Measured roofs as `dlbench machine` caches them (src/measure/roofs-schema.ts): a 2-core AVX-512 machine. */
export function testRoofs() {
  return {
    roofsVersion: 1,
    fingerprint: '0123456789abcdef',
    measuredAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1000,
    quick: false,
    machine: {cpu: 'Test CPU', cores: 2, arch: 'x64', caches: {L1d: '32K', L2: '1024K', L3: '32768K'}, node: '20.0.0', mhz: 3000},
    threads: {one: 1 as const, all: 2},
    native: {ok: true as const, bestIsa: 'avx512' as const},
    compute: [
      {isa: 'js' as const, dtype: 'f64' as const, threads: 1, gflops: 4},
      {isa: 'js' as const, dtype: 'f64' as const, threads: 2, gflops: 7.5},
      {isa: 'avx512' as const, dtype: 'f32' as const, threads: 1, gflops: 100},
      {isa: 'avx512' as const, dtype: 'f32' as const, threads: 2, gflops: 190},
      {isa: 'avx2' as const, dtype: 'f32' as const, threads: 1, gflops: 90},
      {isa: 'avx2' as const, dtype: 'f32' as const, threads: 2, gflops: 175},
    ],
    memory: [
      {kind: 'stream-copy' as const, threads: 1, arrayBytes: 1 << 27, gbps: 22},
      {kind: 'stream-triad' as const, threads: 1, arrayBytes: 1 << 27, gbps: 20},
      {kind: 'stream-copy' as const, threads: 2, arrayBytes: 1 << 27, gbps: 32},
      {kind: 'stream-triad' as const, threads: 2, arrayBytes: 1 << 27, gbps: 30},
    ],
    caches: [
      {level: 'L1' as const, threads: 1, bytesPerThread: 16384, gbps: 200},
      {level: 'L2' as const, threads: 1, bytesPerThread: 524288, gbps: 120},
      {level: 'L3' as const, threads: 1, bytesPerThread: 1 << 24, gbps: 60},
      {level: 'L1' as const, threads: 2, bytesPerThread: 16384, gbps: 400},
      {level: 'L2' as const, threads: 2, bytesPerThread: 524288, gbps: 235},
      {level: 'L3' as const, threads: 2, bytesPerThread: 1 << 23, gbps: 90},
    ],
  };
}
