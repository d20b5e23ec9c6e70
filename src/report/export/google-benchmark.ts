// google/benchmark's JSON ({context, benchmarks}), readable by its tools/compare.py. Every raw
// sample is written as one repetition (run_type 'iteration', iterations 1), so compare.py's
// Mann–Whitney U test has the real distribution; median/mean/stddev follow as aggregates like
// `--benchmark_repetitions` writes them. dlbench measures wall time only: cpu_time = real_time.
import {caseKey, finite, isOk} from '../cases.js';
import type {Report} from '../../core/results.js';

const NS_PER_MS = 1e6;

function cacheList(caches: Record<string, string>): {type: string; level: number; size: number; num_sharing: number}[] {
  const out = [];
  for (const [name, size] of Object.entries(caches)) {
    const m = /^L(\d)([di]?)$/.exec(name);
    const s = /^(\d+)\s*([KMG]?)/i.exec(size);
    if (!m || !s) continue;
    const mult = {'': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3}[s[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
    out.push({
      type: m[2] === 'd' ? 'Data' : m[2] === 'i' ? 'Instruction' : 'Unified',
      level: Number(m[1]),
      size: Number(s[1]) * mult,
      num_sharing: 0,
    });
  }
  return out;
}

export function toGoogleBenchmark(report: Report): string {
  const ctx = report.context;
  const benchmarks: Record<string, unknown>[] = [];
  const ok = report.results.filter(isOk);
  ok.forEach((r, family) => {
    const name = caseKey(r);
    const samples = r.samplesMs.filter((x) => Number.isFinite(x));
    const n = samples.length;
    const common = {
      family_index: family,
      per_family_instance_index: 0,
      run_name: name,
      repetitions: n,
      threads: 1,
      time_unit: 'ns',
    };
    const rate = finite(r.gflops) !== undefined ? {FLOPS: r.gflops * 1e9} : {};
    samples.forEach((ms, i) => {
      benchmarks.push({
        name,
        ...common,
        run_type: 'iteration',
        repetition_index: i,
        iterations: 1,
        real_time: ms * NS_PER_MS,
        cpu_time: ms * NS_PER_MS,
        ...(finite(r.flops) !== undefined && ms > 0 ? {FLOPS: r.flops / (ms / 1e3)} : {}),
      });
    });
    const mean = samples.reduce((a, b) => a + b, 0) / Math.max(n, 1);
    const sd = n > 1 ? Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
    const aggregates: [string, number][] = [
      ['mean', mean],
      ['median', r.stats.medianMs],
      ['stddev', sd],
    ];
    for (const [agg, ms] of aggregates) {
      benchmarks.push({
        name: `${name}_${agg}`,
        ...common,
        run_type: 'aggregate',
        aggregate_name: agg,
        aggregate_unit: 'time',
        iterations: n,
        real_time: ms * NS_PER_MS,
        cpu_time: ms * NS_PER_MS,
        ...(agg === 'median' ? rate : {}),
      });
    }
  });
  const out = {
    context: {
      date: report.createdAt,
      host_name: ctx.hostname,
      executable: `dlbench ${ctx.dlbench.version}`,
      num_cpus: ctx.cpu.cores,
      mhz_per_cpu: ctx.cpu.speedMHz,
      cpu_scaling_enabled: false,
      caches: cacheList(ctx.cpu.caches ?? {}),
      library_build_type: 'release',
      json_schema_version: 1,
    },
    benchmarks,
  };
  return JSON.stringify(out, null, 2) + '\n';
}
