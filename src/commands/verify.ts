import {Flags} from '@oclif/core';
import {makeTable} from '../report/cli-table.js';
import {BaseCommand} from '../cli/base.js';
import {Progress} from '../cli/progress.js';
import {allOps, findOp, matchVariants} from '../kernels/registry.js';
import {verifyAll, type VerifyRow} from '../suite/verify.js';

export default class Verify extends BaseCommand {
  static override summary = 'Check every variant against the reference on edge shapes (no timing); exit 1 on any failure.';

  static override examples = ['<%= config.bin %> verify', "<%= config.bin %> verify --variant 'gemm/blocked*'"];

  static override flags = {
    op: Flags.string({
      description: `op(s) to check: ${allOps()
        .map((o) => o.name)
        .join(', ')}`,
      multiple: true,
      delimiter: ',',
    }),
    variant: Flags.string({char: 'v', description: "variant ids or globs ('gemm/*'); repeatable", multiple: true}),
  };

  async run(): Promise<{rows: VerifyRow[]; failed: number}> {
    const {flags} = await this.parse(Verify);
    this.configureGpu(flags);
    const ops = flags.op?.length ? flags.op.map((o) => findOp(o)) : allOps();
    const chosen = flags.variant?.length ? matchVariants(flags.variant) : undefined;
    const targets = ops
      .map((op) => ({op, variants: chosen ? chosen.filter((v) => v.op === op.name) : op.variants}))
      .filter((t) => t.variants.length > 0);
    const total = targets.reduce((n, t) => n + t.variants.length * t.op.edgeShapes.length, 0);
    const progress = new Progress(this.interactive() && Boolean(process.stderr.isTTY));
    let done = 0;
    const rows = await verifyAll(targets, flags.seed, {threads: this.threadsOrDefault(flags.threads)}, (r) =>
      progress.update(done++, total, `${r.variant} ${r.shapeText}`),
    );
    progress.clear();
    const failed = rows.filter((r) => r.state === 'fail' || r.state === 'errored').length;
    if (!this.jsonEnabled()) {
      const table = makeTable(['variant', 'shapes', 'pass', 'fail', 'skipped', 'worst error / tolerance'], {
        color: Boolean(process.stdout.isTTY),
      });
      const byVariant = new Map<string, VerifyRow[]>();
      for (const r of rows) byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
      for (const [id, rs] of byVariant) {
        const worst = Math.max(...rs.filter((r) => r.check).map((r) => r.check!.error / r.check!.tolerance), 0);
        table.push([
          id,
          rs.length,
          rs.filter((r) => r.state === 'pass').length,
          rs.filter((r) => r.state === 'fail' || r.state === 'errored').length,
          rs.filter((r) => r.state === 'skipped').length,
          worst.toFixed(4),
        ]);
      }
      this.log(table.toString());
      for (const r of rows.filter((x) => x.state === 'fail' || x.state === 'errored')) {
        this.log(
          `FAIL ${r.variant} ${r.shapeText}: ${r.reason ?? `error ${r.check?.error.toExponential(2)} > tolerance ${r.check?.tolerance.toExponential(2)}${r.check?.detail ? ` (${r.check.detail})` : ''}`}`,
        );
      }
      this.log(
        failed
          ? `${failed} check(s) failed`
          : `all ${rows.length - rows.filter((r) => r.state === 'skipped').length} checks passed`,
      );
    }
    if (failed) process.exitCode = 1;
    return {rows, failed};
  }
}
