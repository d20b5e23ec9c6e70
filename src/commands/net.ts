import {Args, Flags} from '@oclif/core';
import path from 'node:path';
import {BaseCommand} from '../cli/base.js';
import {Interrupt} from '../cli/interrupt.js';
import {Progress} from '../cli/progress.js';
import {UsageError} from '../core/errors.js';
import {parsePositiveInt} from '../core/sizes.js';
import {conv2dWebgpu} from '../kernels/conv2d/webgpu.js';
import {engineNames} from '../kernels/gemm/engines.js';
import {netNames} from '../nets/defs.js';
import {CONV_CHOICES, resolveChoice} from '../nets/kernels.js';
import {layoutTitle, NET_LAYOUTS, parseLayout} from '../nets/layout.js';
import {compressNetFc, outputChange, parseLowrank, type OutputChange} from '../nets/lowrank.js';
import {DEFAULT_NET_TIMING, forwardNet, netTotals, profileNet} from '../nets/run-net.js';
import {findNet, planNet} from '../nets/shapes.js';
import {tinybenchTimer} from '../measure/timer.js';
import {renderBatchSweep, renderLowRank, renderNetProfile, renderSummary, type BatchRow} from '../report/net-table.js';
import type {CaseResult, Report} from '../core/results.js';
import {assertWritable} from '../report/write.js';
import {writeFileAtomic} from '../core/write-file.js';
import {emptyReport} from '../suite/run-suite.js';
import {releaseWebGpu} from '../webgpu/device.js';

export function parseBatches(text: string): number[] {
  const parts = text.split(',').map((t) => t.trim());
  if (parts.some((t) => t === '')) throw new UsageError(`--batch: empty entry in '${text}'. Valid: a batch size or a list, e.g. 1,8,32`);
  const out = parts.map((t) => {
    if (!/^\d+$/.test(t) || Number(t) < 1) throw new UsageError(`--batch: '${t}' is not a positive integer. Valid: a batch size or a list, e.g. 1,8,32`);
    return parsePositiveInt(t, '--batch');
  });
  return [...new Set(out)];
}

export default class Net extends BaseCommand {
  static override summary = 'Profile a CNN layer by layer (AlexNet, VGG): shapes, params, memory, FLOPs, time and GFLOP/s per layer.';

  static override examples = [
    '<%= config.bin %> net alexnet',
    '<%= config.bin %> net vgg16 --summary',
    '<%= config.bin %> net vgg16 --conv winograd-f2x3',
    '<%= config.bin %> net alexnet --best',
    '<%= config.bin %> net alexnet --conv webgpu',
    '<%= config.bin %> net alexnet --lowrank 256',
    '<%= config.bin %> net alexnet --batch 1,8,32',
    '<%= config.bin %> net alexnet --layout nhwc',
  ];

  static override args = {
    name: Args.string({description: `network: ${netNames().join(', ')}`, required: true}),
  };

  static override flags = {
    summary: Flags.boolean({description: 'shapes, params, memory and FLOPs only (no timing, nothing written)'}),
    batch: Flags.string({char: 'b', description: "batch size(s): '1' or a list '1,8,32' (images/s against batch)", default: '1'}),
    conv: Flags.string({description: `conv kernel: ${CONV_CHOICES.join(', ')} (auto: Winograd F(4x4)/F(2x2) where it wins, im2col elsewhere)`, default: 'auto'}),
    gemm: Flags.string({description: `GEMM engine for conv (im2col, Winograd) and FC layers: ${engineNames().join(', ')} (default: fastest available)`}),
    best: Flags.boolean({description: 'time every candidate kernel per layer and keep the fastest (the "cherry-picked" total)'}),
    time: Flags.integer({description: 'measuring time budget per layer, ms', default: DEFAULT_NET_TIMING.timeBudgetMs, min: 1}),
    'min-samples': Flags.integer({description: 'minimum timed samples per layer', default: DEFAULT_NET_TIMING.minSamples, min: 1}),
    out: Flags.string({char: 'o', description: 'results file (default reports/net-<name>-<timestamp>.json)'}),
    layout: Flags.string({description: `activation layout: ${NET_LAYOUTS.join(', ')} (NCHW: weights KCRS, PyTorch; NHWC: weights RSCK, TensorFlow)`, default: 'nchw'}),
    lowrank: Flags.string({description: 'replace each fc layer\'s weights by a truncated SVD: a rank (integer ≥ 1) or an energy fraction in (0, 1)'}),
  };

  async run(): Promise<Report | {net: string; batch: number; layout: string; layers: ReturnType<typeof planNet>}> {
    const {args, flags} = await this.parse(Net);
    const net = findNet(args.name, 'NAME');
    const batches = parseBatches(flags.batch);
    const threads = this.threadsOrDefault(flags.threads);
    const caps = {threads};
    const choice = resolveChoice(flags.conv, flags.gemm, caps);
    const layout = parseLayout(flags.layout);
    const lowrankValue = flags.lowrank === undefined ? undefined : parseLowrank(flags.lowrank);
    const color = Boolean(process.stdout.isTTY);
    if (flags.summary) {
      const plans = planNet(net, batches[0], layout);
      if (!this.jsonEnabled()) this.log(renderSummary(`${net.title}, batch ${batches[0]}, layout ${layoutTitle(layout)}`, plans, [batches[0], ...net.input], {color}));
      return {net: net.name, batch: batches[0], layout, layers: plans};
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('Z', '');
    const out = flags.out ?? path.join('reports', `net-${net.name}-${stamp}.json`);
    assertWritable(out, '--out');

    const timing = {...DEFAULT_NET_TIMING, timeBudgetMs: flags.time, minSamples: flags['min-samples']};
    const report = emptyReport({cases: [], forced: new Set()}, {seed: flags.seed, threads, timing});
    report.config.net = {name: net.name, batches, conv: choice.conv, gemm: choice.gemm.id, best: Boolean(flags.best), layout};
    const save = (): void => writeFileAtomic(out, JSON.stringify(report, null, 2) + '\n');
    const interrupt = new Interrupt(() => {
      report.interrupted = true;
      save();
    });
    const progress = new Progress(this.interactive() && Boolean(process.stderr.isTTY));
    const sweep: BatchRow[] = [];
    const perBatch: CaseResult[][] = [];
    const weightCache = new Map();
    // Compression is set-up: the SVDs run once here, before any layer is timed.
    const lowrank = lowrankValue === undefined ? undefined
      : await compressNetFc(net, lowrankValue, {seed: flags.seed, engine: choice.gemm, threads, weightCache, layout});
    const outputs: (OutputChange & {batch: number})[] = [];
    // The GPU conv's availability (and its binding limit) is known only once the device was probed.
    const gpu = choice.conv === 'webgpu';
    if (gpu) await conv2dWebgpu.init?.();
    try {
      await interrupt.guard(async () => {
        for (const [bi, batch] of batches.entries()) {
          if (interrupt.aborted) break;
          let y: Float32Array | undefined;
          const rows = await profileNet(net, batch, {
            seed: flags.seed, caps, choice, timing, timer: tinybenchTimer, best: flags.best, signal: interrupt.signal, weightCache, lowrank, layout,
            onStart: (li, label) => progress.update(bi * net.layers.length + li, batches.length * net.layers.length, label),
            onNetOutput: (out) => {
              y = out;
            },
          });
          if (lowrank && y) {
            // The same seeded input through the dense weights (untimed): how far the compression moved the output.
            progress.update((bi + 1) * net.layers.length - 1, batches.length * net.layers.length, `${net.name} b${batch} dense forward`);
            const y0 = await forwardNet(net, batch, choice, flags.seed, caps, undefined, layout);
            outputs.push({...outputChange(y, y0, y0.length / batch), batch});
          }
          report.results.push(...rows);
          perBatch.push(rows);
          sweep.push({batch, totals: netTotals(rows)});
        }
      });
    } finally {
      progress.clear();
      if (gpu) releaseWebGpu();
    }
    report.interrupted = interrupt.aborted;
    if (lowrank && lowrankValue !== undefined) {
      const before = [...lowrank.values()].reduce((a, c) => a + c.paramsBefore, 0);
      const after = [...lowrank.values()].reduce((a, c) => a + c.paramsAfter, 0);
      report.config.net.lowrank = {value: lowrankValue, paramsBefore: before, paramsAfter: after, paramsSaved: before - after, output: outputs};
    }
    save();
    if (!this.jsonEnabled()) {
      const kernels = flags.best ? 'best kernel per layer (cherry-picked)' : `conv ${choice.conv}, gemm ${choice.gemm.id}`;
      perBatch.forEach((rows, i) => {
        this.log(renderNetProfile(`${net.title}, batch ${batches[i]}, ${layoutTitle(layout)}, ${kernels}, ${threads} thread(s)`, rows, sweep[i].totals, {color}));
      });
      if (sweep.length > 1) this.log(renderBatchSweep(sweep, {color}));
      if (lowrank && report.config.net.lowrank) this.log(renderLowRank(report.results, report.config.net.lowrank, {color}));
      this.log(`results: ${out}`);
    }
    this.setExitStatus(report, out, 'layer');
    return report;
  }
}
