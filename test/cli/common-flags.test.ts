// The shared bounds at their edges: the last valid value passes, the next one is refused.
import os from 'node:os';
import {describe, expect, it} from 'vitest';
import {assertThreads, MAX_SEED, maxThreads, parseSeed, parseThreads} from '../../src/cli/common-flags.js';
import {assertCaseCount, DEFAULT_MAX_CASES} from '../../src/suite/plan.js';

describe('--threads', () => {
  it('allows 1 … 4× the cores and names that range when refusing', () => {
    expect(maxThreads()).toBe(4 * os.availableParallelism());
    expect(parseThreads('1')).toBe(1);
    expect(parseThreads(String(maxThreads()))).toBe(maxThreads());
    expect(() => parseThreads(String(maxThreads() + 1))).toThrow(
      new RegExp(`^--threads: '${maxThreads() + 1}' is not a thread count. Valid: 1\\.\\.${maxThreads()} \\(4×`),
    );
    for (const bad of ['0', '-1', '2.5', '1e3', '', 'x']) expect(() => parseThreads(bad)).toThrow(/^--threads: /);
    expect(() => assertThreads([1, maxThreads()])).not.toThrow();
    expect(() => assertThreads([1, maxThreads() + 1])).toThrow(/^--threads: \d+ threads is too many/);
  });
});

describe('--seed', () => {
  it('allows 0 … 2³²−1, integers only', () => {
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed(String(MAX_SEED))).toBe(4294967295);
    for (const bad of ['4294967296', '1e20', '-1', '1.5', '', '0x10'])
      expect(() => parseSeed(bad)).toThrow(/^--seed: .* is not a seed. Valid: an integer 0\.\.4294967295/);
  });
});

describe('case count', () => {
  it('refuses one case past the limit and says how to raise it', () => {
    expect(() => assertCaseCount(DEFAULT_MAX_CASES)).not.toThrow();
    expect(() => assertCaseCount(DEFAULT_MAX_CASES + 1)).toThrow(/limit of 2000\. .*--max-cases 2001/);
    expect(() => assertCaseCount(5000, 5000)).not.toThrow();
  });
});
