import {BaseCommand} from '../cli/base.js';
import {collectContext} from '../measure/environment.js';
import {fmtBytes} from '../suite/plan.js';
import type {Context} from '../report/schema.js';

export default class Env extends BaseCommand {
  static override summary = 'Show the machine context recorded with every result (CPU, caches, memory, OS, versions, git commit).';

  static override examples = ['<%= config.bin %> env', '<%= config.bin %> env --json'];

  async run(): Promise<Context> {
    await this.parse(Env);
    const ctx = collectContext();
    if (!this.jsonEnabled()) {
      const caches = Object.entries(ctx.cpu.caches).map(([k, v]) => `${k} ${v}`).join(', ') || 'unknown';
      const lines: [string, string][] = [
        ['cpu', `${ctx.cpu.model} (${ctx.cpu.arch}), ${ctx.cpu.cores} cores, ${ctx.cpu.speedMHz} MHz`],
        ['isa', ctx.cpu.flags?.join(' ') || 'unknown'],
        ['caches', caches],
        ['memory', fmtBytes(ctx.memory.totalBytes)],
        ['os', `${ctx.os.type} ${ctx.os.release} (${ctx.os.platform})`],
        ['node', `${ctx.runtime.node} (V8 ${ctx.runtime.v8})`],
        ['dlbench', `${ctx.dlbench.version}${ctx.dlbench.gitCommit ? ` @ ${ctx.dlbench.gitCommit.slice(0, 12)}${ctx.dlbench.gitDirty ? ' (dirty)' : ''}` : ''}`],
        ['packages', Object.entries(ctx.packages).map(([k, v]) => `${k} ${v}`).join(', ')],
        ['host', ctx.hostname],
      ];
      for (const [k, v] of lines) this.log(`${k.padEnd(9)} ${v}`);
    }
    return ctx;
  }
}
