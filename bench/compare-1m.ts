// BENCHMARK (not a test): `dlbench compare` on two results files of one case with a million
// samples each (issue 13: such a file gave no result in 60 s). Writes the files, then times the
// CLI end to end (best of --runs, wall clock) and, in this process, each step: reading the file,
// parsing the JSON, the schema check, and the comparison itself.
//   npm run build && npx tsx bench/compare-1m.ts [--samples 1000000] [--runs 3] [--dir DIR]
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {createRng} from '../src/core/rng.js';
import {SCHEMA_VERSION, type OkCase, type Report} from '../src/core/results.js';
import {collectContext} from '../src/measure/environment.js';
import {summarize} from '../src/measure/stats.js';
import {compareReports} from '../src/report/compare/compare.js';
import {readReport} from '../src/report/validate.js';

const {values} = parseArgs({
  options: {samples: {type: 'string', default: '1000000'}, runs: {type: 'string', default: '3'}, dir: {type: 'string'}},
});
const n = Number(values.samples);
const runs = Number(values.runs);
const dir = values.dir ?? mkdtempSync(path.join(os.tmpdir(), 'dlbench-compare-1m-'));

/** A 16³ native GEMM's worth of samples: ~4 µs with a long right tail, as a noisy machine gives. */
function fileWith(seed: number, scale: number): Report {
  const rng = createRng(seed);
  const samplesMs = Array.from(
    {length: n},
    () => scale * 0.004 * (1 + 0.05 * rng.next() + (rng.next() < 0.01 ? 2 * rng.next() : 0)),
  );
  const stats = summarize(samplesMs);
  const row: OkCase = {
    op: 'gemm',
    variant: 'gemm/native',
    backend: 'native',
    params: {},
    shape: {m: 16, n: 16, k: 16},
    shapeText: '16x16x16',
    seed: 42,
    inputDistribution: 'uniform[-1,1) from xoshiro128**(seed)',
    flops: 8192,
    macs: 4096,
    bytes: 3072,
    ai: 8192 / 3072,
    state: 'ok',
    check: {pass: true, method: 'reference-f64', error: 1e-8, tolerance: 1e-6},
    stats,
    gflops: 8192 / (stats.medianMs * 1e6),
    prepareMs: 0.01,
    firstCallMs: 0.02,
    highSpread: false,
    samplesMs,
  };
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: 'dlbench',
    createdAt: new Date().toISOString(),
    interrupted: false,
    context: collectContext(),
    config: {seed: 42, threads: 1, timeBudgetMs: 1000, minSamples: 5, warmupMs: 50},
    results: [row],
  };
}

const a = path.join(dir, 'base-1m.json');
const b = path.join(dir, 'cur-1m.json');
writeFileSync(a, JSON.stringify(fileWith(1, 1)));
writeFileSync(b, JSON.stringify(fileWith(2, 1.02)));

const best = (xs: number[]): string => `${Math.min(...xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
const time = (f: () => void): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

// Through bash's `time`, for the CPU time beside the wall clock: on a shared machine the wall
// clock measures the other tenants as much as the command.
const cli: number[] = [];
const cpu: number[] = [];
let output = '';
const bin = path.join(import.meta.dirname, '..', 'bin', 'run.js');
for (let r = 0; r < runs; r++) {
  const res = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; time "${process.execPath}" "${bin}" compare "${a}" "${b}"`], {
    encoding: 'utf8',
  });
  const [wall, user, sys] = res.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  cli.push(wall * 1000);
  cpu.push((user + sys) * 1000);
  output = res.stdout;
}
const steps = {read: [] as number[], parse: [] as number[], readReport: [] as number[], compare: [] as number[]};
for (let r = 0; r < runs; r++) {
  let text = '';
  steps.read.push(time(() => (text = readFileSync(a, 'utf8'))));
  steps.parse.push(time(() => JSON.parse(text)));
  let ra: Report | undefined;
  let rb: Report | undefined;
  steps.readReport.push(time(() => (ra = readReport(a))));
  rb = readReport(b);
  steps.compare.push(time(() => compareReports(ra!, rb!)));
}
const model = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(
  `compare of two files of ${n} samples each (${dir}), ${model}, ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}`,
);
console.log(`  CLI end to end (node bin/run.js compare): wall best ${best(cli)}`);
console.log(`                                           CPU (user + sys) best ${best(cpu)}`);
console.log(`  read one file:       ${best(steps.read)}`);
console.log(`  JSON.parse one file: ${best(steps.parse)}`);
console.log(`  readReport one file (read + parse + schema): ${best(steps.readReport)}`);
console.log(`  compareReports:      ${best(steps.compare)}`);
console.log(output.trim().split('\n').slice(-3).join('\n'));
