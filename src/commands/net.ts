import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {assertLowrankFits, assertNetFits, parseBatches} from '../cli/net-flags.js';
import {engineNames} from '../kernels/gemm/engines.js';
import {netNames} from '../nets/defs.js';
import {CONV_CHOICES, resolveChoice} from '../nets/kernels.js';
import {layoutTitle, NET_LAYOUTS, parseLayout} from '../nets/layout.js';
import {parseLowrank} from '../nets/lowrank.js';
import {DEFAULT_NET_TIMING} from '../nets/run-net.js';
import {findNet, planNet} from '../nets/shapes.js';
import {renderBatchSweep, renderLowRank, renderNetProfile, renderSummary} from '../report/net-table.js';
import type {Report} from '../core/results.js';
import {defaultOutPath} from '../report/write.js';
import {runNetBatches} from '../suite/net.js';
import {emptyReport} from '../suite/run-suite.js';

export default class Net extends BaseCommand {
  static override summary =
    'Profile a CNN layer by layer (AlexNet, VGG): shapes, params, memory, FLOPs, time and GFLOP/s per layer.';

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
    conv: Flags.string({
      description: `conv kernel: ${CONV_CHOICES.join(', ')} (auto: Winograd F(4x4)/F(2x2) where it wins, im2col elsewhere)`,
      default: 'auto',
    }),
    gemm: Flags.string({
      description: `GEMM engine for conv (im2col, Winograd) and FC layers: ${engineNames().join(', ')} (default: fastest available)`,
    }),
    best: Flags.boolean({description: 'time every candidate kernel per layer and keep the fastest (the "cherry-picked" total)'}),
    time: Flags.integer({description: 'measuring time budget per layer, ms', default: DEFAULT_NET_TIMING.timeBudgetMs, min: 1}),
    'min-samples': Flags.integer({
      description: 'minimum timed samples per layer',
      default: DEFAULT_NET_TIMING.minSamples,
      min: 1,
    }),
    out: Flags.string({char: 'o', description: 'results file (default reports/net-<name>-<timestamp>.json)'}),
    layout: Flags.string({
      description: `activation layout: ${NET_LAYOUTS.join(', ')} (NCHW: weights KCRS, PyTorch; NHWC: weights RSCK, TensorFlow)`,
      default: 'nchw',
    }),
    lowrank: Flags.string({
      description: "replace each fc layer's weights by a truncated SVD: a rank (integer ≥ 1) or an energy fraction in (0, 1)",
    }),
  };

  async run(): Promise<Report | {net: string; batch: number; layout: string; layers: ReturnType<typeof planNet>}> {
    const {args, flags} = await this.parse(Net);
    const net = findNet(args.name, 'NAME');
    const batches = parseBatches(flags.batch);
    const threads = this.threadsOrDefault(flags.threads);
    const choice = resolveChoice(flags.conv, flags.gemm, {threads});
    const layout = parseLayout(flags.layout);
    const lowrank = flags.lowrank === undefined ? undefined : parseLowrank(flags.lowrank);
    if (lowrank !== undefined) assertLowrankFits(net, lowrank, layout);
    const color = Boolean(process.stdout.isTTY);
    if (flags.summary) {
      const plans = planNet(net, batches[0], layout);
      if (!this.jsonEnabled())
        this.log(
          renderSummary(`${net.title}, batch ${batches[0]}, layout ${layoutTitle(layout)}`, plans, [batches[0], ...net.input], {
            color,
          }),
        );
      return {net: net.name, batch: batches[0], layout, layers: plans};
    }
    assertNetFits(net, batches, layout);
    const ctx = this.runContext({out: flags.out, defaultOut: defaultOutPath(new Date(), `net-${net.name}`), unit: 'layer'});
    const timing = {...DEFAULT_NET_TIMING, timeBudgetMs: flags.time, minSamples: flags['min-samples']};
    const report = emptyReport({cases: [], forced: new Set()}, {seed: flags.seed, threads, timing});
    const opts = {seed: flags.seed, threads, choice, timing, best: Boolean(flags.best), layout, lowrank};
    const {perBatch, sweep} = await ctx.measure(report, ({signal, onStart}) =>
      runNetBatches(net, batches, {...opts, signal, onStart}, report),
    );
    ctx.save(report);
    if (!this.jsonEnabled()) {
      const kernels = flags.best ? 'best kernel per layer (cherry-picked)' : `conv ${choice.conv}, gemm ${choice.gemm.id}`;
      perBatch.forEach((rows, i) => {
        this.log(
          renderNetProfile(
            `${net.title}, batch ${batches[i]}, ${layoutTitle(layout)}, ${kernels}, ${threads} thread(s)`,
            rows,
            sweep[i].totals,
            {color, endToEnd: sweep[i].endToEnd, floor: sweep[i].floor},
          ),
        );
      });
      if (sweep.length > 1) this.log(renderBatchSweep(sweep, {color}));
      if (report.config.net?.lowrank) this.log(renderLowRank(report.results, report.config.net.lowrank, {color}));
      this.log(`results: ${ctx.out}`);
    }
    this.setExitStatus(report, ctx);
    return report;
  }
}
