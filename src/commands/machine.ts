import {Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {collectContext} from '../measure/environment.js';
import {loadCachedRoofs, machineFingerprint, measureRoofs, roofsCacheFile, saveRoofs, type Roofs} from '../measure/roofs.js';
import {makeTable} from '../report/cli-table.js';
import {fmtBytes, fmtNum} from '../report/format.js';
import {assertWritable} from '../report/write.js';

export default class Machine extends BaseCommand {
  static override summary =
    "Measure this machine's roofs (FMA peaks per ISA, STREAM and cache bandwidth, JS peak); cached per machine.";

  static override description =
    'Results are cached in $XDG_CACHE_HOME/dlbench (default ~/.cache/dlbench) under a fingerprint of the CPU, ' +
    'caches, memory and Node version; `dlbench run` reads them to report % of peak. The probes run on an otherwise idle machine ' +
    'for honest numbers: on a shared one, re-measure with --refresh.';

  static override examples = [
    '<%= config.bin %> machine',
    '<%= config.bin %> machine --refresh',
    '<%= config.bin %> machine --json',
  ];

  static override flags = {
    refresh: Flags.boolean({description: 're-measure even when cached roofs exist for this machine', default: false}),
    quick: Flags.boolean({description: 'shorter probes (about 2 s, noisier): for tests and CI', default: false}),
  };

  async run(): Promise<Roofs & {cacheFile: string; cached: boolean}> {
    const {flags} = await this.parse(Machine);
    const ctx = collectContext();
    let roofs = flags.refresh ? undefined : loadCachedRoofs(ctx);
    const cached = roofs !== undefined;
    if (!roofs) {
      // The cache folder made (one level at a time: Node 20's recursive mkdir hangs under /proc) and
      // checked writable before seconds of probes, so saveRoofs only writes into it.
      assertWritable(roofsCacheFile(machineFingerprint(ctx)), 'XDG_CACHE_HOME');
      const tty = this.interactive() && Boolean(process.stderr.isTTY);
      roofs = await measureRoofs(ctx, {
        quick: flags.quick,
        onStep: (s) => tty && process.stderr.write(`\r\x1b[2Kmeasuring ${s}`),
      });
      if (tty) process.stderr.write('\r\x1b[2K');
      saveRoofs(roofs);
    }
    const cacheFile = roofsCacheFile(roofs.fingerprint);
    if (!this.jsonEnabled()) this.log(renderRoofs(roofs, cacheFile, cached));
    return {...roofs, cacheFile, cached};
  }
}

export function renderRoofs(r: Roofs, cacheFile: string, cached: boolean): string {
  const lines: string[] = [];
  lines.push(`${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}`);
  lines.push(
    `${cached ? 'cached' : 'measured'} ${r.measuredAt}${r.quick ? ' (quick probes)' : ''} in ${(r.durationMs / 1000).toFixed(1)} s → ${cacheFile}`,
  );
  if (!r.native.ok) lines.push(`native probes skipped: ${r.native.reason}`);
  const t1 = 1,
    tAll = r.threads.all;
  const get = (rows: {threads: number; v: number}[], t: number): string => {
    const x = rows.find((y) => y.threads === t);
    return x ? fmtNum(x.v) : '—';
  };
  const compute = makeTable(['compute roof', 'dtype', 'GFLOP/s, 1 thread', `GFLOP/s, ${tAll} threads`], {
    colAligns: ['left', 'left', 'right', 'right'],
  });
  const keys = [...new Set(r.compute.map((c) => `${c.isa}|${c.dtype}`))];
  for (const key of keys) {
    const [isa, dtype] = key.split('|');
    const rows = r.compute.filter((c) => c.isa === isa && c.dtype === dtype).map((c) => ({threads: c.threads, v: c.gflops}));
    compute.push([
      isa === 'js' ? 'js (V8 scalar mul+add)' : `${isa} ${isa === 'scalar' ? 'mul+add' : 'FMA'}`,
      dtype,
      get(rows, t1),
      get(rows, tAll),
    ]);
  }
  lines.push(compute.toString());
  if (r.memory.length || r.caches.length) {
    const mem = makeTable(['bandwidth', 'working set', 'GB/s, 1 thread', `GB/s, ${tAll} threads`], {
      colAligns: ['left', 'right', 'right', 'right'],
    });
    for (const level of ['L1', 'L2', 'L3'] as const) {
      const rows = r.caches.filter((c) => c.level === level);
      if (rows.length)
        mem.push([
          `${level} read`,
          `${fmtBytes(rows[0].bytesPerThread)}/thread`,
          get(
            rows.map((c) => ({threads: c.threads, v: c.gbps})),
            t1,
          ),
          get(
            rows.map((c) => ({threads: c.threads, v: c.gbps})),
            tAll,
          ),
        ]);
    }
    for (const kind of ['stream-copy', 'stream-triad'] as const) {
      const rows = r.memory.filter((m) => m.kind === kind);
      if (rows.length)
        mem.push([
          `STREAM ${kind.slice(7)} (DRAM)`,
          `3 × ${fmtBytes(rows[0].arrayBytes)}`,
          get(
            rows.map((m) => ({threads: m.threads, v: m.gbps})),
            t1,
          ),
          get(
            rows.map((m) => ({threads: m.threads, v: m.gbps})),
            tAll,
          ),
        ]);
    }
    lines.push(mem.toString());
  }
  return lines.join('\n');
}
