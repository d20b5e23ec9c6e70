// Checks only: every chosen variant on its op's edge shapes (1×1×1, primes, block ±1,
// tall-skinny, K=1…), each compared with the reference. No timing.
import {errorMessage} from '../core/errors.js';
import {maybeInjectFault} from '../core/faults.js';
import type {Caps, KernelVariant, OpDefinition} from '../core/types.js';
import type {CheckResult} from '../core/types.js';
import {releaseWebGpu} from '../webgpu/device.js';

export interface VerifyRow {
  op: string;
  variant: string;
  shapeText: string;
  state: 'pass' | 'fail' | 'errored' | 'skipped';
  check?: CheckResult;
  reason?: string;
}

export async function verifyVariant<P>(
  op: OpDefinition<P>,
  v: KernelVariant<P>,
  shape: P,
  seed: number,
  caps: Caps,
): Promise<VerifyRow> {
  const row = {op: op.name, variant: v.id, shapeText: op.spec.describe(shape)};
  await v.init?.();
  const a = v.available(caps);
  if (!a.ok) return {...row, state: 'skipped', reason: a.reason};
  const sup = v.supports?.(shape);
  if (sup && !sup.ok) return {...row, state: 'skipped', reason: sup.reason};
  let state: unknown;
  try {
    const inputs = op.spec.makeInputs(shape, seed);
    state = await v.prepare(shape, inputs, {threads: caps.threads});
    const out = await v.run(state);
    maybeInjectFault(v.id, out);
    const check = op.spec.check(shape, inputs, out, {toleranceScale: v.toleranceScale?.(shape) ?? 1, seed});
    return {...row, state: check.pass ? 'pass' : 'fail', check};
  } catch (err) {
    return {...row, state: 'errored', reason: errorMessage(err)};
  } finally {
    if (state !== undefined) await v.dispose?.(state);
  }
}

export async function verifyAll(
  targets: {op: OpDefinition; variants: KernelVariant[]}[],
  seed: number,
  caps: Caps,
  onRow?: (r: VerifyRow) => void,
): Promise<VerifyRow[]> {
  const rows: VerifyRow[] = [];
  try {
    for (const {op, variants} of targets) {
      for (const v of variants) {
        for (const shape of op.edgeShapes) {
          const r = await verifyVariant(op, v, shape, seed, caps);
          rows.push(r);
          onRow?.(r);
        }
      }
    }
  } finally {
    // Let the process exit: Dawn's GPU object keeps the event loop alive while held.
    releaseWebGpu();
  }
  return rows;
}
