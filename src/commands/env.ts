import {BaseCommand} from '../cli/base.js';
import {collectContext, sysfsCacheSizes} from '../measure/environment.js';
import {fmtBytes} from '../report/format.js';
import type {BlasContext, Context, WebGpuContext} from '../core/results.js';
import {acquireWebGpu, releaseWebGpu, webGpuContext} from '../webgpu/device.js';

function describeGpu(g: WebGpuContext | undefined): string {
  if (!g) return 'not probed';
  if (!g.available) return `unavailable: ${g.reason}`;
  const list = g.adapters.length > 1 ? `; adapters: ${g.adapters.map((a, i) => `${i}: ${a}`).join(', ')}` : '';
  return `${g.description || g.device} (${g.vendor}, ${g.architecture}, ${g.backend}), timestamp-query ${g.timestampQuery ? 'yes' : 'no'}${list}`;
}

function describeBlas(b: BlasContext | undefined): string {
  if (!b) return 'not probed';
  const env = Object.entries(b.env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const envText = env ? `; ${env}` : '';
  if (!b.available) return `unavailable: ${b.reason}${envText}`;
  return `${b.library} ${b.version}, kernel ${b.corename ?? 'unknown'}${envText}`;
}

export default class Env extends BaseCommand {
  static override summary =
    'Show the machine context recorded with every result (CPU, caches, memory, OS, versions, git commit).';

  static override examples = ['<%= config.bin %> env', '<%= config.bin %> env --json'];

  async run(): Promise<Context> {
    const {flags} = await this.parse(Env);
    this.configureGpu(flags);
    const ctx = collectContext();
    // The GPU probe costs Dawn's start-up (a fraction of a second): only `env` and runs with
    // WebGPU variants pay it.
    try {
      ctx.webgpu = webGpuContext(await acquireWebGpu());
    } finally {
      releaseWebGpu();
    }
    if (!this.jsonEnabled()) {
      const caches =
        Object.entries(ctx.cpu.caches)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'unknown';
      const hidden = Object.keys(ctx.cpu.caches).filter((k) => !(k in sysfsCacheSizes()));
      const cacheLine = hidden.length ? `${caches} (${hidden.join(', ')} from CPUID: sysfs hides them)` : caches;
      const lines: [string, string][] = [
        ['cpu', `${ctx.cpu.model} (${ctx.cpu.arch}), ${ctx.cpu.cores} cores, ${ctx.cpu.speedMHz || '?'} MHz nominal`],
        [
          'cpu id',
          ctx.cpu.id
            ? `${ctx.cpu.id.vendor} family ${ctx.cpu.id.family} model ${ctx.cpu.id.model} stepping ${ctx.cpu.id.stepping}: ${ctx.cpu.id.microarch}`
            : 'unknown',
        ],
        ['isa', ctx.cpu.flags?.join(' ') || 'unknown'],
        ['caches', cacheLine],
        ['memory', fmtBytes(ctx.memory.totalBytes)],
        ['os', `${ctx.os.type} ${ctx.os.release} (${ctx.os.platform})`],
        ['node', `${ctx.runtime.node} (V8 ${ctx.runtime.v8})`],
        [
          'dlbench',
          `${ctx.dlbench.version}${ctx.dlbench.gitCommit ? ` @ ${ctx.dlbench.gitCommit.slice(0, 12)}${ctx.dlbench.gitDirty ? ' (dirty)' : ''}` : ''}`,
        ],
        [
          'packages',
          Object.entries(ctx.packages)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        ],
        ['blas', describeBlas(ctx.blas)],
        ['host', ctx.hostname],
        ['webgpu', describeGpu(ctx.webgpu)],
      ];
      for (const [k, v] of lines) this.log(`${k.padEnd(9)} ${v}`);
    }
    return ctx;
  }
}
