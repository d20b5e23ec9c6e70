import {Flags} from '@oclif/core';
import {badFlag} from '../core/errors.js';
import {BaseCommand} from '../cli/base.js';
import {nativeAvailability} from '../native/loader.js';
import {tune, type TuneTrial} from '../kernels/gemm/native-tune.js';
import {saveTuned, tuneCacheFile, type Tuned} from '../kernels/gemm/native-tuned.js';
import {makeTable} from '../report/cli-table.js';
import {assertWritable} from '../report/write.js';

const MAX_SIZE = 8192;

function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_SIZE))
    throw badFlag('--sizes', text, `square sizes 1..${MAX_SIZE}, comma-separated, e.g. 512,1024,2048`);
  return sizes;
}

function row(t: TuneTrial, best: boolean): string[] {
  const b = t.blocking;
  return [
    `${best ? '* ' : ''}${t.symbol.replace('dlb_sgemm_', '')}`,
    String(b.mc),
    String(b.kc),
    String(b.nc),
    b.split,
    t.from,
    t.check,
    ...t.gflops.map((g) => g.toFixed(1)),
    t.check === 'pass' ? t.score.toFixed(1) : '—',
  ];
}

export default class Tune extends BaseCommand {
  static override summary =
    'Search micro-kernel shape, cache blocks and thread split for gemm/native on this machine; cached per CPU.';

  static override description =
    "Starts at the blocking model's choice for every micro-kernel shape the CPU runs, then scales one block at a " +
    'time (KC, NC, MC) or switches the thread split around the best so far until --budget seconds are spent. Each ' +
    'candidate is checked against the reference before it is timed. The best is cached in $XDG_CACHE_HOME/dlbench ' +
    '(default ~/.cache/dlbench) under a fingerprint of the CPU, caches and kernels; gemm/native then uses it and ' +
    'records `blocking: tuned` in its params, while gemm/native-untuned keeps the model. Tune on a quiet machine.';

  static override examples = [
    '<%= config.bin %> tune',
    '<%= config.bin %> tune --budget 20 --sizes 1024,2048',
    '<%= config.bin %> tune --threads 2',
  ];

  static override flags = {
    budget: Flags.string({description: 'seconds to spend searching (the model choices are always measured)', default: '60'}),
    sizes: Flags.string({description: 'square GEMM sizes timed per candidate, comma-separated', default: '512,1024,2048'}),
  };

  async run(): Promise<{tuned: Tuned; cacheFile: string; trials: TuneTrial[]; elapsedS: number}> {
    const {flags} = await this.parse(Tune);
    const budgetS = Number(flags.budget);
    if (!Number.isFinite(budgetS) || budgetS < 0 || budgetS > 3600)
      throw badFlag('--budget', flags.budget, 'seconds, a number 0..3600');
    const sizes = parseSizes(flags.sizes);
    const threads = flags.threads ?? 1;
    const native = nativeAvailability();
    if (!native.ok) this.error(`dlbench tune: the native addon is unavailable: ${native.reason}`, {exit: 1});
    const json = this.jsonEnabled();
    const r = tune({
      budgetS,
      sizes,
      threads,
      onTrial: (t) => !json && process.stderr.write(`\r\x1b[2Ktried ${t.symbol} KC ${t.blocking.kc} NC ${t.blocking.nc}`),
    });
    if (!json) process.stderr.write('\r\x1b[2K');
    const cacheFile = tuneCacheFile(r.tuned.fingerprint);
    assertWritable(cacheFile, 'XDG_CACHE_HOME');
    saveTuned(r.tuned);
    if (!json) {
      const table = makeTable(
        ['kernel', 'MC', 'KC', 'NC', 'split', 'from', 'check', ...sizes.map((n) => `${n}³ GF/s`), 'geomean'],
        {
          colAligns: ['left', 'right', 'right', 'right', 'left', 'left', 'left', ...sizes.map(() => 'right' as const), 'right'],
        },
      );
      const b = r.tuned.best;
      for (const t of r.trials)
        table.push(
          row(
            t,
            t.symbol === b.symbol &&
              t.blocking.kc === b.kc &&
              t.blocking.nc === b.nc &&
              t.blocking.mc === b.mc &&
              t.blocking.split === b.split,
          ),
        );
      this.log(table.toString());
      const gain = b.gflops / r.tuned.model.gflops;
      if (r.modelKept) this.log("the search's best lost to the model's choice when timed again beside it: keeping the model's");
      this.log(
        `tried ${r.trials.length} in ${r.elapsedS.toFixed(1)} s on ${threads} thread${threads > 1 ? 's' : ''}; best ${b.symbol} MC ${b.mc} KC ${b.kc} NC ${b.nc} split ${b.split}: ${b.gflops.toFixed(1)} GFLOP/s, ${gain.toFixed(3)}× the model's choice (timed again, interleaved) → ${cacheFile}`,
      );
    }
    return {tuned: r.tuned, cacheFile, trials: r.trials, elapsedS: r.elapsedS};
  }
}
