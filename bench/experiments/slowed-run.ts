// EXPERIMENT ONLY (not part of the CLI): a `--preset ci` run in which gemm/blocked really got
// 20% slower. Its run() does the normal M×N×K blocked GEMM and then an M×N×(0.2·K) blocked GEMM
// on inputs of its own: every part of the work (packing A and B, the micro-kernel) scales with K,
// so this is 20% more real arithmetic and memory traffic on the same code path, with the same id,
// shape and check (the output is the first call's). Used to show that the gate flags a true 20%
// slowdown; see "Reports and the CI gate" in the README.
// With [processes] above 1 it runs itself once per process, fresh each time, and pools them as
// `run --processes` does (per-process medians kept).
//   npx tsx bench/experiments/slowed-run.ts <out.json> [repetitions] [timeMs] [factor] [processes]
import {spawnSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import type {CaseResult, Report} from '../../src/core/results.js';
import type {KernelVariant} from '../../src/core/types.js';
import {blocked} from '../../src/kernels/gemm/blocked.js';
import type {GemmInputs, GemmShape} from '../../src/kernels/gemm/spec.js';
import {toJson} from '../../src/report/export/json.js';
import {poolProcesses, poolRepetition} from '../../src/suite/repetitions.js';
import {buildPlan} from '../../src/suite/plan.js';
import {DEFAULT_TIMING, emptyReport, runSuite} from '../../src/suite/run-suite.js';

const [out, reps = '3', time = '100', factor = '0.16', processes = '1'] = process.argv.slice(2);
if (!out) throw new Error('usage: slowed-run.ts <out.json> [repetitions] [timeMs] [factor] [processes]');
const extra = Number(factor);
const nProcesses = Number(processes);

const slowed: KernelVariant<GemmShape, GemmInputs, Float32Array, {main: unknown; more: unknown}> = {
  ...blocked,
  summary: `EXPERIMENT: gemm/blocked doing ${extra * 100}% more work`,
  async prepare(p, inputs, opts) {
    const moreShape = {...p, k: Math.max(1, Math.round(p.k * extra))};
    const moreInputs = blocked.spec.makeInputs(moreShape, 7);
    return {main: await blocked.prepare(p, inputs, opts), more: await blocked.prepare(moreShape, moreInputs, opts)};
  },
  run(s) {
    const c = blocked.run(s.main as never) as Float32Array;
    blocked.run(s.more as never);
    return c;
  },
  dispose: undefined,
};

if (nProcesses > 1) {
  const perProcess: CaseResult[][] = [];
  let last: Report | undefined;
  for (let p = 1; p <= nProcesses; p++) {
    const file = `${out}.process-${p}.json`;
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], file, reps, time, factor, '1'], {
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error(`process ${p} exited with ${r.status ?? r.signal}`);
    last = JSON.parse(readFileSync(file, 'utf8')) as Report;
    perProcess.push(last.results);
  }
  writeFileSync(out, toJson({...last!, config: {...last!.config, processes: nProcesses}, results: poolProcesses(perProcess)}));
  process.exit(0);
}

const plan = buildPlan({preset: 'ci'});
for (const c of plan.cases) c.variants = c.variants.map((v) => (v.id === blocked.id ? (slowed as KernelVariant) : v));
const opts = {seed: 42, threads: 2, timing: {...DEFAULT_TIMING, timeBudgetMs: Number(time)}};
const report = emptyReport(plan, opts);
await runSuite(plan, opts, report);
for (let r = 1; r < Number(reps); r++) poolRepetition(report.results, (await runSuite(plan, opts)).results);
if (Number(reps) > 1) report.config.repetitions = Number(reps);
writeFileSync(out, toJson(report));
