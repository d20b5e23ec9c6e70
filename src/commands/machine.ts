import {Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base.js';
import {collectContext} from '../measure/environment.js';
import {loadCachedRoofs, machineFingerprint, roofsCacheFile, saveRoofs, type Roofs} from '../measure/roofs.js';
import {measureRoofsChecked} from '../measure/roofs-checked.js';
import {renderRoofs} from '../report/roofs-table.js';
import {assertWritable} from '../report/write.js';

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
      // The cache folder made (one level at a time: Node 20's recursive mkdir hangs under /proc) and
      // checked writable before seconds of probes, so saveRoofs only writes into it.
      assertWritable(roofsCacheFile(machineFingerprint(ctx)), 'XDG_CACHE_HOME');
      const tty = this.interactive() && Boolean(process.stderr.isTTY);
      const m = await measureRoofsChecked(ctx, {
        quick: flags.quick,
        onStep: (step) => tty && process.stderr.write(step ? `\r\x1b[2Kmeasuring ${step}` : '\r\x1b[2K'),
        onRetry: (problem) => process.stderr.write(`roof suspect: ${problem}; measuring again\n`),
      });
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
