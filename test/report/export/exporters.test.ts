import {describe, expect, it} from 'vitest';
import {EXPORTERS, findExporter} from '../../../src/report/export/index.js';
import {toCsv} from '../../../src/report/export/csv.js';
import {toGabBiggerIsBetter, toGabSmallerIsBetter} from '../../../src/report/export/github-action-benchmark.js';
import {toGoogleBenchmark} from '../../../src/report/export/google-benchmark.js';
import {toMarkdown} from '../../../src/report/export/markdown.js';
import {fullReport, gemmReport} from '../../helpers/reports.js';

/** A small RFC 4180 reader, to check the writer round-trips quotes, commas and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}

describe('exporters', () => {
  it('are pure: the same report gives the same text, and every format has one', () => {
    const r = fullReport();
    for (const e of EXPORTERS) expect(e.render(r)).toBe(e.render(r));
    expect(findExporter('csv', '--format').name).toBe('csv');
    expect(() => findExporter('xml', '--format')).toThrow(
      /--format: invalid value 'xml'. Valid: table, json, markdown, csv, gbench/,
    );
  });

  it('CSV: one row per case, every state, metric columns from the rows, quoting that round-trips', () => {
    const r = fullReport();
    (r.results.find((x) => x.state === 'check-failed') as {check: {detail: string}}).check.detail =
      'bad, "very" bad\nsecond line';
    const rows = parseCsv(toCsv(r));
    const head = rows[0];
    expect(rows.length).toBe(r.results.length + 1);
    expect(head).toEqual(
      expect.arrayContaining([
        'op',
        'variant',
        'median_ms',
        'gflops',
        'metric_relFrobError',
        'metric_orthogonality',
        'net',
        'layer_name',
      ]),
    );
    const failed = rows.find((x) => x[head.indexOf('state')] === 'check-failed')!;
    expect(failed[head.indexOf('reason')]).toBe('bad, "very" bad\nsecond line');
    const svd = rows.find((x) => x[head.indexOf('variant')] === 'svd/jacobi')!;
    expect(Number(svd[head.indexOf('metric_relFrobError')])).toBe(3e-7);
    const ok = r.results.find((x) => x.state === 'ok')!;
    const okRow = rows[1 + r.results.indexOf(ok)];
    expect(Number(okRow[head.indexOf('median_ms')])).toBe((ok as {stats: {medianMs: number}}).stats.medianMs);
  });

  it('google-benchmark JSON: every sample a repetition, plus median/mean/stddev aggregates', () => {
    const r = gemmReport(1);
    const g = JSON.parse(toGoogleBenchmark(r));
    expect(g.context).toMatchObject({host_name: 'test-host', num_cpus: 2});
    expect(g.context.caches).toContainEqual({type: 'Data', level: 1, size: 32768, num_sharing: 0});
    const first = r.results[0] as {samplesMs: number[]; stats: {medianMs: number}};
    const name = 'gemm/naive-ijk@64x64x64';
    const its = g.benchmarks.filter((b: {name: string}) => b.name === name);
    expect(its.length).toBe(first.samplesMs.length);
    expect(its[3]).toMatchObject({
      run_type: 'iteration',
      repetitions: first.samplesMs.length,
      repetition_index: 3,
      iterations: 1,
      time_unit: 'ns',
    });
    expect(its[3].real_time).toBeCloseTo(first.samplesMs[3] * 1e6, 6);
    const med = g.benchmarks.find((b: {name: string}) => b.name === `${name}_median`);
    expect(med).toMatchObject({run_type: 'aggregate', aggregate_name: 'median', run_name: name});
    expect(med.real_time).toBeCloseTo(first.stats.medianMs * 1e6, 6);
  });

  it('github-action-benchmark: smaller-is-better medians and bigger-is-better GFLOP/s, ok rows only', () => {
    const r = fullReport();
    const okCount = r.results.filter((x) => x.state === 'ok').length;
    const small = JSON.parse(toGabSmallerIsBetter(r));
    const big = JSON.parse(toGabBiggerIsBetter(r));
    expect(small.length).toBe(okCount);
    expect(big.length).toBe(okCount);
    expect(small[0]).toMatchObject({name: 'gemm/naive-ijk@64x64x64', unit: 'ms'});
    expect(small[0].value).toBe((r.results[0] as {stats: {medianMs: number}}).stats.medianMs);
    expect(big[0]).toMatchObject({unit: 'GFLOP/s'});
    expect(new Set(small.map((x: {name: string}) => x.name)).size).toBe(okCount);
  });

  it('markdown: a table per op, failures spelled out', () => {
    const md = toMarkdown(fullReport());
    for (const op of ['gemm', 'conv2d', 'svd', 'layer']) expect(md).toContain(`### ${op}`);
    expect(md).toMatch(
      /\| 64x64x64 \| `gemm\/naive-ijk` \| [\d.]+ (µs|ms) \| -[\d.]+\/\+[\d.]+% \| [\d.]+ \| — \| ✅ 1\.0e-7 \|/,
    );
    // The spread is the median's 95% interval, not the mean's margin of error.
    expect(md).toContain('| median | 95% CI |');
    expect(md).toMatch(/❌ check failed: max error at C\[3,4\]/);
    expect(md).toMatch(/skipped: no WebGPU adapter/);
    expect(md).toMatch(/\*\*1 case\(s\) failed/);
  });
});
