import {describe, expect, it} from 'vitest';
import {UsageError} from '../../src/core/errors.js';
import {expandSizeList} from '../../src/core/sizes.js';
import {gemm} from '../../src/kernels/gemm/index.js';

const parse = (s: string) => expandSizeList(s).map((t) => gemm.parseShape(t));

describe('size parser', () => {
  it('reads squares, MxNxK, lists and ranges', () => {
    expect(parse('512')).toEqual([{m: 512, n: 512, k: 512}]);
    expect(parse('256x512x1024')).toEqual([{m: 256, n: 512, k: 1024}]);
    expect(parse('256,5124x700x2048')).toEqual([
      {m: 256, n: 256, k: 256},
      {m: 5124, n: 700, k: 2048},
    ]);
    expect(expandSizeList('64..1024*2')).toEqual(['64', '128', '256', '512', '1024']);
    expect(expandSizeList('64..256+64')).toEqual(['64', '128', '192', '256']);
    expect(expandSizeList('64..100')).toEqual(['64']);
    expect(parse('1X2X3')).toEqual([{m: 1, n: 2, k: 3}]);
  });

  const bad: [string, RegExp][] = [
    ['0', /--size: '0' must be at least 1/],
    ['-5', /--size: '-5' is not a positive integer/],
    ['abc', /not a positive integer/],
    ['1.5', /not a positive integer/],
    ['12x', /not a positive integer|needs 1 or 3 dimensions/],
    ['2x3', /needs 1 or 3 dimensions/],
    ['1x2x3x4', /needs 1 or 3 dimensions/],
    ['64..32', /ends before it starts/],
    ['64..128*1', /factor of at least 2/],
    ['1..a', /malformed range/],
    ['64,,128', /empty entry/],
    ['1..100000+1', /more than 1000 sizes/],
  ];
  for (const [text, msg] of bad) {
    it(`refuses '${text}' naming the flag and the valid syntax`, () => {
      let err: unknown;
      try {
        parse(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).toMatch(/^--size: /);
      expect((err as Error).message).not.toContain('\n');
    });
  }
});
