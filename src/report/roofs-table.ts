// The `dlbench machine` tables: compute roofs per ISA and dtype (with the flops per cycle they
// imply), then cache and DRAM bandwidth, at one thread and at all of them.
import {memoryLevels} from '../measure/roofline.js';
import {flopsPerCycle} from '../measure/roofs-sanity.js';
import type {Roofs} from '../measure/roofs.js';
import {makeTable} from './cli-table.js';
import {fmtBytes, fmtNum} from './format.js';

/** `cacheFile` is undefined when the roofs were measured but not cached (suspect). */
export function renderRoofs(r: Roofs, cacheFile: string | undefined, cached: boolean): string {
  const lines: string[] = [];
  const mhz = r.machine.mhz;
  lines.push(
    `${r.machine.cpu}, ${r.machine.cores} cores${mhz ? ` at ${fmtNum(mhz)} MHz${r.machine.mhzSource === 'measured' ? ' (measured)' : ' (nominal)'}` : ''}, Node ${r.machine.node}`,
  );
  lines.push(
    `${cached ? 'cached' : 'measured'} ${r.measuredAt}${r.quick ? ' (quick probes)' : ''} in ${(r.durationMs / 1000).toFixed(1)} s → ${cacheFile ?? 'not cached'}`,
  );
  if (r.forced?.length) lines.push(`cached with --force despite: ${r.forced.join('; ')}`);
  if (!r.native.ok) lines.push(`native probes skipped: ${r.native.reason}`);
  const t1 = 1,
    tAll = r.threads.all;
  const get = (rows: {threads: number; v: number}[], t: number): string => {
    const x = rows.find((y) => y.threads === t);
    return x ? fmtNum(x.v) : '—';
  };
  // FLOPs per cycle per core let a reader check a roof against the ISA (see docs/measurement.md).
  const fpc = (rows: {threads: number; v: number}[], t: number): string => {
    const x = rows.find((y) => y.threads === t);
    const f = x && flopsPerCycle(x.v, t, mhz);
    return f === undefined ? '—' : f.toFixed(1);
  };
  const compute = makeTable(
    [
      'compute roof',
      'dtype',
      'GFLOP/s, 1 thread',
      `GFLOP/s, ${tAll} threads`,
      'flops/cycle/core, 1 thread',
      `…, ${tAll} threads`,
    ],
    {colAligns: ['left', 'left', 'right', 'right', 'right', 'right']},
  );
  const keys = [...new Set(r.compute.map((c) => `${c.isa}|${c.dtype}`))];
  for (const key of keys) {
    const [isa, dtype] = key.split('|');
    const rows = r.compute.filter((c) => c.isa === isa && c.dtype === dtype).map((c) => ({threads: c.threads, v: c.gflops}));
    compute.push([
      isa === 'js' ? 'js (V8 scalar mul+add)' : `${isa} ${isa === 'scalar' ? 'mul+add' : 'FMA'}`,
      dtype,
      get(rows, t1),
      get(rows, tAll),
      fpc(rows, t1),
      fpc(rows, tAll),
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
    // What the roofline divides a memory-bound row by: the same probes, reads and writes counted.
    const bounds = [...new Set([t1, tAll])].map(
      (t) =>
        `${t} thread${t === 1 ? '' : 's'} ${memoryLevels(r, t)
          .map((l) => `${l.level} ${fmtNum(l.gbps)}`)
          .join(', ')} GB/s`,
    );
    lines.push(
      `roofline memory bounds (a kernel's reads + writes: 2 × a cache's read probe; DRAM: STREAM with its write-allocate traffic): ${bounds.join('; ')}`,
    );
  }
  return lines.join('\n');
}
