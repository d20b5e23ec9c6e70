// `dlbench tune` and its cache: a tiny search produces a cache that validates, a damaged cache is
// ignored with its reason, and gemm/native on a tuned choice passes the GEMM edge shapes.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {gemm} from '../../src/kernels/gemm/index.js';
import {makeNativeBest, nativeCaches, runnableKernels} from '../../src/kernels/gemm/native.js';
import {tune} from '../../src/kernels/gemm/native-tune.js';
import {
  loadTuned,
  parseTuned,
  saveTuned,
  tuneCacheFile,
  tuneFingerprint,
  TUNE_VERSION,
  type Tuned,
} from '../../src/kernels/gemm/native-tuned.js';
import {runCli} from '../helpers/cli.js';

const kernels = runnableKernels();
const fp = (): string => tuneFingerprint(nativeCaches(), kernels);
const tmpEnv = (): NodeJS.ProcessEnv => ({XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'dlb-tune-'))});

/** A tuned record on the widest ISA's last tile shape with blocks far from the model's. */
function oddTuned(): Tuned {
  const isa = kernels[0].isa;
  const k = kernels.filter((x) => x.isa === isa).at(-1)!;
  return {
    tuneVersion: TUNE_VERSION,
    fingerprint: fp(),
    tunedAt: '2026-01-01T00:00:00.000Z',
    budgetS: 1,
    sizes: [64],
    threads: 2,
    best: {symbol: k.symbol, mc: 2 * k.mr, kc: 13, nc: 2 * k.nr, split: 'rows', gflops: 1},
    model: {symbol: kernels[0].symbol, gflops: 1},
    tried: 2,
  };
}

describe('tune cache', () => {
  it('a tiny search on tiny sizes produces a record that validates and round-trips', () => {
    const r = tune({budgetS: 0.2, sizes: [24, 40], threads: 1, reps: 1});
    expect(r.trials.length).toBeGreaterThan(0);
    expect(r.trials.every((t) => t.check === 'pass')).toBe(true);
    expect(r.trials[0].from).toBe('model');
    const env = tmpEnv();
    const file = saveTuned(r.tuned, env);
    expect(file).toBe(tuneCacheFile(fp(), env));
    expect(parseTuned(readFileSync(file, 'utf8'), fp(), kernels)).toMatchObject({ok: true});
    expect(loadTuned(fp(), kernels, env, () => {})).toEqual(r.tuned);
  });

  it('ignores a damaged cache with one line naming the problem', () => {
    const good = oddTuned();
    const cases: [string, RegExp][] = [
      ['{"tuneVersion": 1, ', /not JSON/],
      [JSON.stringify({...good, tuneVersion: 99}), /bad shape at \/tuneVersion/],
      [JSON.stringify({...good, best: {...good.best, kc: 0}}), /bad shape at \/best\/kc/],
      [JSON.stringify({...good, fingerprint: '0123456789abcdef'}), /not this machine's/],
      [JSON.stringify({...good, best: {...good.best, symbol: 'dlb_sgemm_avx9_1x1'}}), /not in this build/],
    ];
    for (const [text, why] of cases) {
      const env = tmpEnv();
      const file = tuneCacheFile(fp(), env);
      saveTuned(good, env);
      writeFileSync(file, text);
      const warnings: string[] = [];
      expect(loadTuned(fp(), kernels, env, (l) => warnings.push(l))).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(why);
      // gemm/native falls back to the model's choice.
      expect(makeNativeBest(env).params?.blocking).toBe('model');
    }
  });
});

describe('gemm/native on a tuned choice', () => {
  it('records it and passes every GEMM edge shape, threads 1 and 2', async () => {
    const env = tmpEnv();
    const t = oddTuned();
    saveTuned(t, env);
    const v = makeNativeBest(env);
    expect(v.params).toMatchObject({blocking: 'tuned', kernel: t.best.symbol, kc: 13, split: 'rows'});
    for (const threads of [1, 2])
      for (const p of gemm.edgeShapes) {
        const inputs = gemm.spec.makeInputs(p, 11);
        const s = await v.prepare(p, inputs, {threads});
        s.c.fill(Number.NaN);
        const check = gemm.spec.check(p, inputs, await v.run(s), {seed: 3});
        expect(check.pass, `${gemm.spec.describe(p)} ×${threads}: ${check.error}`).toBe(true);
      }
  });
});

describe('dlbench tune (CLI)', () => {
  it('writes a valid cache within a tiny budget and prints the table of what it tried', async () => {
    const env = tmpEnv();
    const r = await runCli(['tune', '--budget', '0', '--sizes', '32'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kernel.*MC.*KC.*NC.*split.*check/);
    expect(r.stdout).toMatch(/tried \d+ in/);
    const file = /→ (\S+\.json)/.exec(r.stdout)?.[1];
    expect(file).toBeDefined();
    expect(parseTuned(readFileSync(file!, 'utf8'), fp(), kernels)).toMatchObject({ok: true});
  });

  it('refuses a bad --budget or --sizes with exit 2 and one line naming the flag', async () => {
    for (const [flag, value] of [
      ['--budget', 'soon'],
      ['--sizes', '0,64'],
    ]) {
      const r = await runCli(['tune', flag, value], tmpEnv());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${flag}: invalid value '${value}'`));
    }
  });
});
