// The committed JSON Schema (schema/results.schema.json) is what other tools validate dlbench
// files with: it must equal what the TypeBox declaration generates, and a real validator (ajv,
// not TypeBox) must accept what `dlbench run` writes and refuse a broken file.
import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Ajv} from 'ajv';
import {describe, expect, it} from 'vitest';
import {resultsJsonSchemaText} from '../../src/core/results.js';
import {toJson} from '../../src/report/export/json.js';
import {analyzeSweep} from '../../src/report/sweep.js';
import {runCli, ROOT} from '../helpers/cli.js';
import {fullReport} from '../helpers/reports.js';

const committed = readFileSync(path.join(ROOT, 'schema/results.schema.json'), 'utf8');
const validate = new Ajv({allErrors: true}).compile(JSON.parse(committed));
const check = (report: unknown): string[] =>
  validate(report) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`);

describe('schema/results.schema.json', () => {
  it('is what `npm run schema` generates from src/core/results.ts (rerun it after changing the schema)', () => {
    expect(committed).toBe(resultsJsonSchemaText());
  });

  it('accepts a file written by `dlbench run`, with ok and skipped rows and the WebGPU context', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'dlbench-schema-')), 'r.json');
    const r = await runCli(
      [
        'run',
        '-v',
        'gemm/naive-ijk',
        '-v',
        'gemm/blocked',
        '-v',
        'gemm/webgpu-*',
        '--size',
        '16,5x7x3',
        '--time',
        '5',
        '--min-samples',
        '2',
        '--out',
        out,
      ],
      {DLBENCH_NO_WEBGPU: '1'},
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(new Set(report.results.map((x: {state: string}) => x.state))).toEqual(new Set(['ok', 'skipped']));
    expect(report.context.webgpu).toMatchObject({available: false});
    expect(check(report)).toEqual([]);
  });

  it('accepts every kind of row the reports draw (layers, roofs, metrics, failed checks, unknown context keys) and a sweep', () => {
    const r = fullReport();
    const variants = ['gemm/naive-ijk', 'gemm/reordered-ikj', 'gemm/blocked'].map((id) => ({id, parallel: false}));
    r.sweep = analyzeSweep(
      r.results.filter((x) => x.op === 'gemm' && !x.layer),
      variants,
      [1],
    );
    expect(r.sweep.crossovers.length).toBeGreaterThan(0);
    expect(check(JSON.parse(toJson(r)))).toEqual([]);
  });

  it('refuses broken files', () => {
    const base = (): {schemaVersion: number; context: Record<string, unknown>; results: Record<string, unknown>[]} =>
      JSON.parse(toJson(fullReport()));
    const noStats = base();
    delete noStats.results[0].stats;
    expect(check(noStats).join('\n')).toMatch(/\/results\/0/);
    const badState = base();
    badState.results[1].state = 'great';
    expect(check(badState)).not.toEqual([]);
    const badNumber = base();
    (badNumber.results[2].stats as Record<string, unknown>).medianMs = 'fast';
    expect(check(badNumber)).not.toEqual([]);
    const newer = base();
    newer.schemaVersion = 2;
    expect(check(newer).join('\n')).toMatch(/\/schemaVersion/);
    const noCpu = base();
    delete noCpu.context.cpu;
    expect(check(noCpu).join('\n')).toMatch(/\/context/);
  });
});
