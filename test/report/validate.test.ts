import {describe, expect, it} from 'vitest';
import {UsageError} from '../../src/core/errors.js';
import {toJson} from '../../src/report/export/json.js';
import {parseReport} from '../../src/report/validate.js';
import {fullReport, gemmReport} from '../helpers/reports.js';

const problem = (text: string): string => {
  try {
    parseReport(text, 'r.json');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('reading results files', () => {
  it('accepts what dlbench writes, including metrics, layers, roofs and unknown context keys', () => {
    const r = fullReport();
    const back = parseReport(toJson(r), 'r.json');
    expect(back.results.length).toBe(r.results.length);
    expect(back.results.some((x) => x.layer)).toBe(true);
    expect((back.context as Record<string, unknown>).roofs).toBeDefined();
  });

  it('accepts unknown ops and extra fields a newer rung adds', () => {
    const r = gemmReport(1) as unknown as {results: Record<string, unknown>[]};
    r.results[0] = {...r.results[0], op: 'attention', variant: 'attention/flash', gpuNs: 123, extraThing: {a: 1}};
    expect(() => parseReport(JSON.stringify(r), 'r.json')).not.toThrow();
  });

  it('accepts null where JSON stored NaN or Infinity', () => {
    const r = JSON.parse(toJson(gemmReport(1)));
    r.results[0].gflops = null;
    r.results[0].check.error = null;
    expect(() => parseReport(JSON.stringify(r), 'r.json')).not.toThrow();
  });

  it('refuses a truncated file in one line naming the file', () => {
    const text = toJson(gemmReport(1));
    const msg = problem(text.slice(0, text.length / 2));
    expect(msg).toMatch(/^r\.json: not valid JSON \(truncated or malformed\?\)/);
    expect(msg.split('\n').length).toBe(1);
    expect(problem('')).toMatch(/r\.json: empty file/);
  });

  it('names the path and the problem of a malformed field', () => {
    const r = JSON.parse(toJson(gemmReport(1)));
    r.results[2].stats.medianMs = 'fast';
    expect(problem(JSON.stringify(r))).toMatch(/^r\.json: invalid results file at \/results\/2\/stats\/medianMs: /);
    delete r.results[2].stats;
    expect(problem(JSON.stringify(r))).toMatch(/\/results\/2\/stats/);
    const s = JSON.parse(toJson(gemmReport(1)));
    s.results[0].state = 'great';
    expect(problem(JSON.stringify(s))).toMatch(/\/results\/0\/state: 'great' is not one of ok, skipped, check-failed, errored/);
    const c = JSON.parse(toJson(gemmReport(1)));
    delete c.context.cpu;
    expect(problem(JSON.stringify(c))).toMatch(/at \/context\/cpu/);
  });

  it('refuses newer and older schema versions with what to do', () => {
    const r = JSON.parse(toJson(gemmReport(1)));
    r.schemaVersion = 2;
    expect(problem(JSON.stringify(r))).toMatch(/schemaVersion 2 was written by a newer dlbench.*Upgrade/);
    r.schemaVersion = 0;
    expect(problem(JSON.stringify(r))).toMatch(/schemaVersion 0 is older.*rerun/);
  });

  it('refuses JSON that is not a dlbench file', () => {
    expect(problem('[1,2]')).toMatch(/not a dlbench results file/);
    expect(problem('{"benchmarks": []}')).toMatch(/no numeric schemaVersion/);
    expect(problem('{"tool": "hyperfine", "schemaVersion": 1}')).toMatch(/tool is 'hyperfine'/);
  });
});
