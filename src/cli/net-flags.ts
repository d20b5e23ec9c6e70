// Flag parsers of `dlbench net` that are not the network's own (--layout and --lowrank live in nets/).
import {UsageError} from '../core/errors.js';
import {parsePositiveInt} from '../core/sizes.js';
import {findOp} from '../kernels/registry.js';
import type {NetDef} from '../nets/defs.js';
import type {NetLayout} from '../nets/layout.js';
import {planNet} from '../nets/shapes.js';
import {assertBytesFit} from '../suite/plan.js';

/** --batch: '1' or '1,8,32' → unique batch sizes in the order given. */
export function parseBatches(text: string): number[] {
  const parts = text.split(',').map((t) => t.trim());
  if (parts.some((t) => t === ''))
    throw new UsageError(`--batch: empty entry in '${text}'. Valid: a batch size or a list, e.g. 1,8,32`);
  const out = parts.map((t) => {
    if (!/^\d+$/.test(t) || Number(t) < 1)
      throw new UsageError(`--batch: '${t}' is not a positive integer. Valid: a batch size or a list, e.g. 1,8,32`);
    return parsePositiveInt(t, '--batch');
  });
  return [...new Set(out)];
}

/**
 * The largest batch's layers against this machine's memory, before weights or inputs are made:
 * each layer's kernel buffers (as `run --size` checks them) and the whole network's activations.
 */
export function assertNetFits(net: NetDef, batches: number[], layout: NetLayout): void {
  const batch = Math.max(...batches);
  const layers = planNet(net, batch, layout);
  for (const l of layers) {
    if (!l.kernel) continue;
    const op = findOp(l.kernel.op);
    assertBytesFit(op.spec.memoryBytes(l.kernel.shape), `${net.name} batch ${batch}, ${l.def.name}`, '--batch');
  }
  const total = layers.reduce((n, l) => n + l.activationBytes + 4 * l.params, 0);
  assertBytesFit(total, `${net.name} batch ${batch} (activations and weights)`, '--batch');
}

/** The fc layers --lowrank factors: their [IN, OUT]. */
function fcShapes(net: NetDef, layout: NetLayout): {in: number; out: number}[] {
  return planNet(net, 1, layout).flatMap((l) =>
    l.kernel?.op === 'layer' && l.kernel.shape.kind === 'fc' ? [l.kernel.shape] : [],
  );
}

/**
 * A --lowrank rank no larger than the widest fc layer can use (min(IN, OUT)): beyond it nothing is
 * truncated and the SVD set-up takes minutes for nothing. Also the factoring's buffers against memory.
 */
export function assertLowrankFits(net: NetDef, rankOrEnergy: number, layout: NetLayout): void {
  const fcs = fcShapes(net, layout);
  if (rankOrEnergy < 1 || fcs.length === 0) return;
  const maxRank = Math.max(...fcs.map((s) => Math.min(s.in, s.out)));
  if (rankOrEnergy > maxRank)
    throw new UsageError(
      `--lowrank: rank ${rankOrEnergy} is more than ${net.name}'s widest fc layer allows (min(IN, OUT) = ${maxRank}). ` +
        `Valid: a rank 1..${maxRank} or an energy fraction in (0, 1)`,
    );
  // W and its copy, plus the sketch and the factors (k + oversampling columns on each side), in f32.
  const need = Math.max(
    ...fcs.map((s) => 4 * (2 * s.in * s.out + 3 * Math.min(rankOrEnergy + 10, s.in, s.out) * (s.in + s.out))),
  );
  assertBytesFit(need, `${net.name} --lowrank ${rankOrEnergy}`, '--lowrank');
}
