// `dlbench net` past its flags: the network profiled layer by layer at each batch size, with the
// optional low-rank fc compression (set-up, untimed) and how far it moved the network's output.
// Stops between layers when the signal aborts (Ctrl-C); the report fills as layers finish.
import {conv2dWebgpu} from '../kernels/conv2d/webgpu.js';
import type {NetDef} from '../nets/defs.js';
import type {KernelChoice} from '../nets/kernels.js';
import type {NetLayout} from '../nets/layout.js';
import {compressNetFc, outputChange, type OutputChange} from '../nets/lowrank.js';
import {netFloor} from '../nets/floor.js';
import {type EndToEnd, forwardNet, netTotals, profileNet} from '../nets/run-net.js';
import {planNet} from '../nets/shapes.js';
import type {Roofs} from '../measure/roofs.js';
import {tinybenchTimer, type TimingOptions} from '../measure/timer.js';
import type {BatchRow} from '../report/net-table.js';
import type {CaseResult, Report} from '../core/results.js';
import {releaseWebGpu} from '../webgpu/device.js';

export interface NetBatchOptions {
  seed: number;
  threads: number;
  choice: KernelChoice;
  timing: TimingOptions;
  best: boolean;
  layout: NetLayout;
  /** `--lowrank`: a rank or an energy fraction for every fc layer. */
  lowrank?: number;
  signal?: AbortSignal;
  onStart?: (index: number, total: number, label: string) => void;
}

export interface NetBatchRun {
  /** The layer rows of each finished batch, in batch order. */
  perBatch: CaseResult[][];
  sweep: BatchRow[];
}

export async function runNetBatches(net: NetDef, batches: number[], opts: NetBatchOptions, report: Report): Promise<NetBatchRun> {
  const {seed, choice, layout, signal} = opts;
  const caps = {threads: opts.threads};
  report.config.net = {name: net.name, batches, conv: choice.conv, gemm: choice.gemm.id, best: opts.best, layout};
  const run: NetBatchRun = {perBatch: [], sweep: []};
  const weightCache = new Map();
  // Compression is set-up: the SVDs run once here, before any layer is timed.
  const lowrank =
    opts.lowrank === undefined
      ? undefined
      : await compressNetFc(net, opts.lowrank, {seed, engine: choice.gemm, threads: opts.threads, weightCache, layout});
  const outputs: (OutputChange & {batch: number})[] = [];
  const total = batches.length * net.layers.length;
  // The GPU conv's availability (and its binding limit) is known only once the device was probed.
  const gpu = choice.conv === 'webgpu';
  if (gpu) await conv2dWebgpu.init?.();
  try {
    for (const [bi, batch] of batches.entries()) {
      if (signal?.aborted) break;
      let y: Float32Array | undefined;
      let e2e: EndToEnd | undefined;
      const rows = await profileNet(net, batch, {
        seed,
        caps,
        choice,
        timing: opts.timing,
        timer: tinybenchTimer,
        best: opts.best,
        signal,
        weightCache,
        lowrank,
        layout,
        onStart: (li, label) => opts.onStart?.(bi * net.layers.length + li, total, label),
        onNetOutput: (out) => {
          y = out;
        },
        onEndToEnd: (e) => {
          e2e = e;
        },
      });
      if (lowrank && y) {
        // The same seeded input through the dense weights (untimed): how far the compression moved the output.
        opts.onStart?.((bi + 1) * net.layers.length - 1, total, `${net.name} b${batch} dense forward`);
        const y0 = await forwardNet(net, batch, choice, seed, caps, undefined, layout);
        outputs.push({...outputChange(y, y0, y0.length / batch), batch});
      }
      report.results.push(...rows);
      run.perBatch.push(rows);
      const totals = netTotals(rows);
      const floor = netFloor(
        planNet(net, batch, layout),
        report.context.roofs as Roofs | undefined,
        opts.threads,
        choice.gemm.backend,
      );
      run.sweep.push({batch, totals, floor, ...(e2e ? {endToEnd: e2e} : {})});
      if (e2e) {
        const e: EndToEnd = e2e;
        const list = (report.config.net.endToEnd ??= []);
        const f = 'ms' in floor ? {floorMs: floor.ms, floorRatio: e.p50Ms / floor.ms} : {};
        list.push({batch, ...e, layerSumMs: totals.totalMs, ratio: e.p50Ms / totals.totalMs, ...f});
      }
    }
  } finally {
    if (gpu) releaseWebGpu();
  }
  report.interrupted = signal?.aborted ?? false;
  if (lowrank && opts.lowrank !== undefined) {
    const before = [...lowrank.values()].reduce((a, c) => a + c.paramsBefore, 0);
    const after = [...lowrank.values()].reduce((a, c) => a + c.paramsAfter, 0);
    report.config.net.lowrank = {
      value: opts.lowrank,
      paramsBefore: before,
      paramsAfter: after,
      paramsSaved: before - after,
      output: outputs,
    };
  }
  return run;
}
