// The loader never throws: with DLBENCH_NO_NATIVE=1 (as when the addon failed to build) the
// native variants are skipped with the reason, GEMM composition falls back to JS, and the CLI
// still exits 0. Child processes, because the loader caches its result per process.
import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {ROOT, runCli} from '../helpers/cli.js';

const NO_NATIVE = {DLBENCH_NO_NATIVE: '1'};

describe('fallback without the native addon', () => {
  it('list: every native variant unavailable, naming the switch and the rebuild command', async () => {
    const r = await runCli(['list', '--op', 'gemm', '--json'], NO_NATIVE);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as {id: string; backend: string; available: boolean; reason?: string}[];
    const native = rows.filter((x) => x.backend === 'native');
    expect(native.map((x) => x.id)).toEqual([
      'gemm/native',
      'gemm/native-untuned',
      'gemm/native-avx512-12x32',
      'gemm/native-avx512-14x32',
      'gemm/native-avx512-8x48',
      'gemm/native-avx512-6x64',
      'gemm/native-avx512',
      'gemm/native-avx2',
      'gemm/native-scalar',
      'gemm/strassen-native',
      'gemm/openblas',
    ]);
    // The pool on the native base is a workers row, unavailable for the same reason.
    const workersNative = rows.find((x) => x.id === 'gemm/workers-native');
    expect(workersNative?.available).toBe(false);
    for (const x of [...native, workersNative!]) {
      expect(x.available).toBe(false);
      expect(x.reason).toMatch(/DLBENCH_NO_NATIVE=1.*npm run build:native/);
    }
    expect(rows.filter((x) => x.backend === 'js').every((x) => x.available)).toBe(true);
  });

  it('run: native rows are skipped with the reason, the JS rung still runs, exit 0', async () => {
    const r = await runCli(
      [
        'run',
        '--variant',
        'gemm/native',
        '--variant',
        'gemm/strassen-native',
        '--variant',
        'gemm/workers-native',
        '--variant',
        'gemm/blocked',
        '--size',
        '48',
        '--time',
        '5',
        '--min-samples',
        '2',
        '--json',
        '--out',
        'test-artifacts/no-native.json',
      ],
      NO_NATIVE,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const byId = Object.fromEntries(report.results.map((x: {variant: string}) => [x.variant, x]));
    expect(byId['gemm/native'].state).toBe('skipped');
    expect(byId['gemm/native'].reason).toMatch(/DLBENCH_NO_NATIVE/);
    for (const id of ['gemm/strassen-native', 'gemm/workers-native']) {
      expect(byId[id].state).toBe('skipped');
      expect(byId[id].reason).toMatch(/DLBENCH_NO_NATIVE/);
    }
    expect(byId['gemm/blocked'].state).toBe('ok');
    expect(report.context.native).toMatchObject({ok: false});
  });

  it('Winograd falls back to its JS transforms (checked, backend js); net --conv auto keeps im2col', async () => {
    const r = await runCli(
      [
        'run',
        '--variant',
        'conv2d/winograd-f4x3',
        '--size',
        '1x8x12x12k8r3p1',
        '--time',
        '5',
        '--min-samples',
        '2',
        '--json',
        '--out',
        'test-artifacts/no-native-wino.json',
      ],
      NO_NATIVE,
    );
    expect(r.code).toBe(0);
    const row = JSON.parse(r.stdout).results[0];
    expect(row).toMatchObject({
      variant: 'conv2d/winograd-f4x3',
      state: 'ok',
      backend: 'js',
      metrics: {transforms: 'js', gemm: 'gemm/blocked'},
    });
    const script = `
      const {autoConv} = await import('./dist/nets/auto-conv.js');
      const {fastestEngine} = await import('./dist/kernels/gemm/engines.js');
      const {parseConvSize} = await import('./dist/nets/conv-layers.js');
      console.log(JSON.stringify(autoConv(parseConvSize('vgg16.conv3_1'), fastestEngine({threads: 1}))));`;
    const pick = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: ROOT,
        env: {...process.env, ...NO_NATIVE},
      }).toString(),
    );
    expect(pick).toEqual({conv: 'im2col', why: 'im2col: no native Winograd transforms with gemm/blocked'});
  });

  it('composition falls back to the JS engine; im2col throws the reason', () => {
    const script = `
      const {fastestEngine} = await import('./dist/kernels/gemm/engines.js');
      const {im2colNchw} = await import('./dist/native/loader.js');
      let msg = '';
      try { im2colNchw(new Float32Array(4), 1, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, new Float32Array(4)); } catch (e) { msg = e.message; }
      console.log(JSON.stringify({engine: fastestEngine({threads: 1}).id, engine2: fastestEngine({threads: 2}).id, msg}));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: {...process.env, ...NO_NATIVE},
    }).toString();
    const r = JSON.parse(out);
    expect(r.engine).toBe('gemm/blocked');
    // With two threads the JS pool beats one JS thread: composition picks it when native is gone.
    expect(r.engine2).toBe('gemm/workers');
    expect(r.msg).toMatch(/DLBENCH_NO_NATIVE=1/);
  });

  it('with the addon: the same engine query picks gemm/native', () => {
    const script = `const {fastestEngine} = await import('./dist/kernels/gemm/engines.js'); console.log(fastestEngine({threads: 2}).id);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: {...process.env, DLBENCH_NO_NATIVE: ''},
    }).toString();
    expect(out.trim()).toBe('gemm/native');
  });
});
