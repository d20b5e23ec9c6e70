import * as fs from 'node:fs';
import {mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {UsageError} from '../../src/core/errors.js';
import {assertDistinct, assertWritable, defaultOutPath} from '../../src/report/write.js';
import {type WriteIo, writeFileAtomic} from '../../src/core/write-file.js';

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

  it('writes every byte when the system writes a little at a time', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-w-'));
    const f = path.join(dir, 'r.json');
    const text = 'x'.repeat(10_000);
    // A short write is legal: the loop must go on from where the last one stopped.
    const io: WriteIo = {...fs, writeSync: (fd, buf, off, len) => fs.writeSync(fd, buf, off, Math.min(len, 1000))};
    writeFileAtomic(f, text, io);
    expect(readFileSync(f, 'utf8')).toBe(text);
  });

  it('keeps the previous file and no temp file when the disk fills mid-write', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-w-'));
    const f = path.join(dir, 'r.json');
    writeFileSync(f, '{"good":true}');
    let room = 4096;
    // A nearly full disk: writes succeed short until no room is left, then write 0 bytes.
    const io: WriteIo = {
      ...fs,
      writeSync: (fd, buf, off, len) => {
        const n = fs.writeSync(fd, buf, off, Math.min(len, room));
        room -= n;
        return n;
      },
    };
    expect(() => writeFileAtomic(f, 'y'.repeat(65_536), io)).toThrow(
      /^cannot write '.*r.json': short write, 4096 of 65536 bytes \(disk full\?\); the previous file is unchanged$/,
    );
    expect(readFileSync(f, 'utf8')).toBe('{"good":true}');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('keeps the previous file when the size on disk does not match', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-w-'));
    const f = path.join(dir, 'r.json');
    writeFileSync(f, 'old');
    // A write that claims more than it stored (a lying file system): the size check catches it.
    const io: WriteIo = {
      ...fs,
      writeSync: (fd, buf, off, len) => {
        fs.writeSync(fd, buf, off, Math.min(len, 3));
        return len;
      },
    };
    expect(() => writeFileAtomic(f, 'abcdefgh', io)).toThrow(/3 of 8 bytes on disk/);
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('writes through a symlink to the file it points to, and keeps the link', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-w-'));
    const real = path.join(dir, 'real.json');
    const link = path.join(dir, 'link.json');
    writeFileSync(real, 'old');
    symlinkSync(real, link);
    writeFileAtomic(link, 'new');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
    // A dangling link: its target is created, the link kept.
    const dangling = path.join(dir, 'dangling.json');
    symlinkSync(path.join(dir, 'later.json'), dangling);
    writeFileAtomic(dangling, 'made');
    expect(fs.lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'later.json'), 'utf8')).toBe('made');
  });

  it('refuses to replace a device, a folder or an empty path', () => {
    expect(() => writeFileAtomic('/dev/null', 'x')).toThrow(/not a regular file/);
    expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(() => writeFileAtomic('', 'x')).toThrow(/empty path/);
    expect(() => assertWritable('/dev/null', '--out')).toThrow(/^--out: '\/dev\/null' exists and is not a regular file/);
    expect(() => assertWritable('', '--html')).toThrow(/^--html: empty path/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-w-'));
    symlinkSync('/dev/null', path.join(dir, 'null-link'));
    expect(() => assertWritable(path.join(dir, 'null-link'), '--out')).toThrow(UsageError);
  });

  it('refuses two outputs, or an output and an input, that are the same file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-w-'));
    const f = path.join(dir, 'r.json');
    writeFileSync(f, '{}');
    symlinkSync(f, path.join(dir, 'alias.json'));
    expect(() =>
      assertDistinct([
        ['--out', f],
        ['--export-csv', path.join(dir, '.', 'r.json')],
      ]),
    ).toThrow(/^--export-csv: .* is the same file as --out/);
    expect(() => assertDistinct([['--out', path.join(dir, 'alias.json')]], [['--baseline', f]])).toThrow(
      /^--out: .* is the same file as --baseline/,
    );
    expect(() =>
      assertDistinct(
        [
          ['--out', f],
          ['--html', path.join(dir, 'r.html')],
        ],
        [['--baseline', path.join(dir, 'b.json')]],
      ),
    ).not.toThrow();
  });

  it('names default results by time under reports/', () => {
    expect(defaultOutPath(new Date('2026-01-02T03:04:05.678Z'))).toBe(path.join('reports', 'run-2026-01-02T03-04-05-678.json'));
  });
});
