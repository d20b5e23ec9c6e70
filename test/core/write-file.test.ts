import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {UsageError} from '../../src/core/errors.js';
import {assertWritable, defaultOutPath} from '../../src/report/write.js';
import {writeFileAtomic} from '../../src/core/write-file.js';

describe('atomic writes', () => {
  it('replaces the file whole and leaves no temp file behind', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-w-'));
    const f = path.join(dir, 'r.json');
    writeFileSync(f, 'old');
    writeFileAtomic(f, '{"new":true}');
    expect(readFileSync(f, 'utf8')).toBe('{"new":true}');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('keeps the old file when the write cannot complete', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-w-'));
    const f = path.join(dir, 'r.json');
    writeFileSync(f, 'old');
    // A folder where the temp file's name would go makes the write fail before the rename.
    expect(() => writeFileAtomic(path.join(dir, 'missing-folder', 'r.json'), 'x')).toThrow();
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('checks writability up front, creating missing folders', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-w-'));
    assertWritable(path.join(dir, 'a', 'b', 'r.json'), '--out');
    expect(readdirSync(path.join(dir, 'a'))).toEqual(['b']);
    expect(readdirSync(path.join(dir, 'a', 'b'))).toEqual([]);
    expect(() => assertWritable(dir, '--out')).toThrow(UsageError);
    expect(() => assertWritable('/proc/nope/r.json', '--out')).toThrow(/--out: cannot write/);
  });

  it('names default results by time under reports/', () => {
    expect(defaultOutPath(new Date('2026-01-02T03:04:05.678Z'))).toBe(path.join('reports', 'run-2026-01-02T03-04-05-678.json'));
  });
});
