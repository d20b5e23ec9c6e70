import {Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {collectContext} from '../measure/environment.js';
import {loadCachedRoofs, measureRoofs, readText, roofsCacheFile, saveRoofs, type Roofs} from '../measure/roofs.js';
import {flopsPerCycle, loadProblem, parseLoadavg, roofProblems} from '../measure/roofs-sanity.js';
import {makeTable} from '../report/cli-table.js';
import {fmtBytes, fmtNum} from '../report/format.js';

export default class Machine extends BaseCommand {
  static override summary =
    "Measure this machine's roofs (FMA peaks per ISA, STREAM and cache bandwidth, JS peak); cached per machine.";

  static override description =
    'Results are cached in $XDG_CACHE_HOME/dlbench (default ~/.cache/dlbench) under a fingerprint of the CPU, ' +
    'caches, memory and Node version; `dlbench run` reads them to report % of peak. The probes run on an otherwise idle machine ' +
    'for honest numbers. Before caching, the roofs must pass sanity rules (more threads, wider ISAs and nearer caches ' +
    'are never slower; repeated runs agree) and the 1-minute load must leave a core free; a suspect measurement is ' +
    'repeated once, then reported as "roof suspect: <rule>" and not cached (--force caches it anyway).';

  static override examples = [
    '<%= config.bin %> machine',
    '<%= config.bin %> machine --refresh',
    '<%= config.bin %> machine --json',
  ];

  static override flags = {
    refresh: Flags.boolean({description: 're-measure even when cached roofs exist for this machine', default: false}),
    quick: Flags.boolean({description: 'shorter probes (about 2 s, noisier): for tests and CI', default: false}),
    force: Flags.boolean({
      description: 'cache the roofs even when the machine is busy or they fail the sanity rules (recorded as forced)',
      default: false,
    }),
  };

  async run(): Promise<Roofs & {cacheFile: string; cached: boolean; saved: boolean; suspect: string[]}> {
    const {flags} = await this.parse(Machine);
    const ctx = collectContext();
    let roofs = flags.refresh ? undefined : loadCachedRoofs(ctx);
    const cached = roofs !== undefined;
    let saved = false;
    let suspect: string[] = [];
    if (!roofs) {
      const tty = this.interactive() && Boolean(process.stderr.isTTY);
      const cores = Math.max(1, ctx.cpu.cores);
      const measureChecked = async () => {
        const before = parseLoadavg(readText('/proc/loadavg'));
        const m = await measureRoofs(ctx, {
          quick: flags.quick,
          onStep: (s) => tty && process.stderr.write(`\r\x1b[2Kmeasuring ${s}`),
        });
        if (tty) process.stderr.write('\r\x1b[2K');
        const after = parseLoadavg(readText('/proc/loadavg'));
        const load = loadProblem(before, after, cores, m.roofs.durationMs / 1000);
        return {roofs: m.roofs, problems: [...roofProblems(m.roofs, m.runs), ...(load ? [load] : [])]};
      };
      let m = await measureChecked();
      // A busy machine stays busy for a while: only a failed sanity rule is worth a second try.
      if (m.problems.length && !m.problems.some((p) => p.startsWith('busy machine'))) {
        process.stderr.write(`roof suspect: ${m.problems[0]}; measuring again\n`);
        m = await measureChecked();
      }
      roofs = m.roofs;
      suspect = m.problems;
      if (suspect.length === 0 || flags.force) {
        if (suspect.length) roofs = {...roofs, forced: suspect};
        saveRoofs(roofs);
        saved = true;
      }
      for (const p of suspect) process.stderr.write(`roof suspect: ${p}\n`);
      if (!saved) {
        process.stderr.write('roofs not cached: re-measure on an idle machine, or cache anyway with --force\n');
      }
    }
    const cacheFile = roofsCacheFile(roofs.fingerprint);
    if (!this.jsonEnabled()) this.log(renderRoofs(roofs, saved || cached ? cacheFile : undefined, cached));
    return {...roofs, cacheFile, cached, saved: saved || cached, suspect};
  }
}

/** `cacheFile` is undefined when the roofs were measured but not cached (suspect). */
export function renderRoofs(r: Roofs, cacheFile: string | undefined, cached: boolean): string {
  const lines: string[] = [];
  const mhz = r.machine.mhz;
  lines.push(`${r.machine.cpu}, ${r.machine.cores} cores${mhz ? ` at ${fmtNum(mhz)} MHz` : ''}, Node ${r.machine.node}`);
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
  }
  return lines.join('\n');
}
