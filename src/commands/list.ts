import {Flags} from '@oclif/core';
import {makeTable} from '../report/cli-table.js';
import {BaseCommand} from '../cli/base.js';
import {allOps, findOp} from '../kernels/registry.js';
import {releaseWebGpu} from '../webgpu/device.js';

export interface VariantInfo {
  id: string;
  op: string;
  backend: string;
  summary: string;
  params: Record<string, number | string>;
  available: boolean;
  reason?: string;
}

export default class List extends BaseCommand {
  static override summary = 'List every kernel variant: op, backend, what it changes, and whether it can run here.';

  static override examples = ['<%= config.bin %> list', '<%= config.bin %> list --op gemm --json'];

  static override flags = {
    op: Flags.string({
      description: `only this op: ${allOps()
        .map((o) => o.name)
        .join(', ')}`,
    }),
  };

  async run(): Promise<VariantInfo[]> {
    const {flags} = await this.parse(List);
    this.configureGpu(flags);
    const ops = flags.op ? [findOp(flags.op)] : allOps();
    const caps = {threads: this.threadsOrDefault(flags.threads)};
    const variants = ops.flatMap((o) => o.variants);
    try {
      // Async probes (the GPU device) before the synchronous availability answers.
      for (const v of variants) await v.init?.();
    } finally {
      releaseWebGpu();
    }
    const infos = variants.map((v): VariantInfo => {
      const a = v.available(caps);
      return {
        id: v.id,
        op: v.op,
        backend: v.backend,
        summary: v.summary,
        params: v.params ?? {},
        available: a.ok,
        ...(a.ok ? {} : {reason: a.reason}),
      };
    });
    if (!this.jsonEnabled()) {
      const table = makeTable(['variant', 'backend', 'summary', 'available'], {color: Boolean(process.stdout.isTTY)});
      for (const i of infos) table.push([i.id, i.backend, i.summary, i.available ? 'yes' : `no: ${i.reason}`]);
      this.log(table.toString());
    }
    return infos;
  }
}
