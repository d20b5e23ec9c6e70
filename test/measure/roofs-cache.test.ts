// Reading the roofs cache back: a file of the wrong shape, version or syntax is "no cache" with one
// line saying why it was ignored, never a crash; a well-formed one is returned as written.
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {collectContext} from '../../src/measure/environment.js';
import {loadCachedRoofs, machineFingerprint, roofsCacheFile, withCpuidCaches, type Roofs} from '../../src/measure/roofs.js';
import {parseRoofsCache} from '../../src/measure/roofs-schema.js';

const good: Roofs = {
  roofsVersion: 1,
  fingerprint: '0123456789abcdef',
  measuredAt: '2026-01-01T00:00:00Z',
  durationMs: 1,
  quick: true,
  machine: {cpu: 'test', cores: 2, arch: 'x64', caches: {}, node: '20', mhz: 3000},
  threads: {one: 1, all: 2},
  native: {ok: true, bestIsa: 'avx512'},
  compute: [{isa: 'js', dtype: 'f64', threads: 1, gflops: 4}],
  memory: [],
  caches: [],
};

describe('parseRoofsCache', () => {
  it('accepts a well-formed cache, including one written before the clock was recorded', () => {
    expect(parseRoofsCache(JSON.stringify(good))).toEqual({ok: true, roofs: good});
    const {mhz: _, ...machine} = good.machine;
    expect(parseRoofsCache(JSON.stringify({...good, machine})).ok).toBe(true);
  });

  it('refuses unparsable text, another version and the wrong shape, saying which', () => {
    expect(parseRoofsCache('{"roofsVersion":1,')).toMatchObject({ok: false, reason: expect.stringMatching(/^not JSON/)});
    expect(parseRoofsCache('null')).toMatchObject({ok: false, reason: 'roofsVersion undefined, this dlbench reads 1'});
    expect(parseRoofsCache(JSON.stringify({...good, roofsVersion: 2}))).toMatchObject({
      ok: false,
      reason: 'roofsVersion 2, this dlbench reads 1',
    });
    const wrong = parseRoofsCache('{"roofsVersion":1,"compute":[]}');
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.reason).toMatch(/^wrong shape at \/\w+/);
    // A roof of zero or a negative one would put every row above it.
    const zero = parseRoofsCache(JSON.stringify({...good, compute: [{...good.compute[0], gflops: 0}]}));
    expect(!zero.ok && zero.reason).toMatch(/^wrong shape at \/compute\/0\/gflops/);
  });
});

describe('loadCachedRoofs', () => {
  it('a wrong-shape cache file is no cache, with one line naming the file and the problem', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'dlbench-badcache-'));
    const env = {XDG_CACHE_HOME: home};
    const ctx = collectContext();
    const file = roofsCacheFile(machineFingerprint(ctx), env);
    mkdirSync(path.dirname(file), {recursive: true});
    writeFileSync(file, '{"roofsVersion":1,"compute":[]}');
    const lines: string[] = [];
    expect(loadCachedRoofs(ctx, env, (l) => lines.push(l))).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`ignoring roofs cache ${file}: wrong shape at /`);
    writeFileSync(file, JSON.stringify({...good, fingerprint: machineFingerprint(ctx)}));
    expect(loadCachedRoofs(ctx, env, (l) => lines.push(l))?.compute).toEqual(good.compute);
    expect(lines).toHaveLength(1);
  });
});

describe('withCpuidCaches', () => {
  it('fills only the levels sysfs hid, in the K units sysfs uses', () => {
    const cpuid = {L1d: 32768, L2: 1048576, L3: 33554432};
    expect(withCpuidCaches({}, cpuid)).toEqual({L1d: '32K', L2: '1024K', L3: '32768K'});
    expect(withCpuidCaches({L1d: '48K', L1i: '32K'}, cpuid)).toEqual({L1d: '48K', L1i: '32K', L2: '1024K', L3: '32768K'});
    expect(withCpuidCaches({L2: '2048K'}, {})).toEqual({L2: '2048K'});
  });
});
