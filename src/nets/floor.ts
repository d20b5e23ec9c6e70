// The roofline floor of a whole forward pass: Σ over layers of max(memory time, FLOPs ÷ peak),
// from the machine's measured roofs (`dlbench machine`). A layer's memory time is its weight bytes
// over the read bandwidth of the level the weights live in during back-to-back passes (DRAM once
// the network's weights outgrow the L3: each pass evicts the previous pass's weights) plus its
// activation bytes (input read, output written) over the read+write bound of the level that holds them. FLOPs are
// the conventional count (`net --summary`'s, bias adds included) at the FMA peak of the net's GEMM
// backend: Winograd performs fewer multiplies, so a net using it may run below this floor.
import type {Roofs} from '../measure/roofs.js';
import {computeRoof, memoryRoof} from '../measure/roofline.js';
import type {LayerPlan} from './shapes.js';

export interface LayerFloor {
  index: number;
  name: string;
  ms: number;
  bound: 'compute' | 'memory';
}

export interface NetFloor {
  ms: number;
  peakGflops: number;
  /** Bandwidth the weights stream at, and the level it was measured for. */
  weightGbps: number;
  weightLevel: string;
  layers: LayerFloor[];
}

export const NO_ROOFS_NOTE = 'no measured roofs for this machine: run `dlbench machine` once for the roofline floor';

/** The floor at `threads` for a GEMM backend ('native', 'js', 'workers'), or why there is none. */
export function netFloor(
  plans: LayerPlan[],
  roofs: Roofs | undefined,
  threads: number,
  backend: string,
): NetFloor | {reason: string} {
  if (!roofs) return {reason: NO_ROOFS_NOTE};
  const peak = computeRoof(roofs, backend, {}, threads);
  if (!peak) return {reason: `the roofs have no compute peak for the ${backend} backend at ${threads} thread(s)`};
  const weightBytes = plans.reduce((s, l) => s + 4 * l.params, 0);
  const w = memoryRoof(roofs, weightBytes, threads);
  if (!w) return {reason: 'the roofs have no memory bandwidth'};
  // Weights are only read: a cache level streams them at its read probe's rate, DRAM at the bus
  // rate (STREAM corrected for write-allocate); memoryRoof's bound for a cache level allows the
  // reads plus writes that activations (input read, output written) do. No share is served by the
  // faster levels: a pass streams weights larger than a level through it with no reuse (LRU).
  const weightGbps = w.level === 'DRAM' ? w.levelRoof.gbps : w.levelRoof.probeGbps;
  const layers: LayerFloor[] = [];
  for (const l of plans) {
    if (!l.kernel) continue;
    const wb = 4 * l.params;
    const ab = Math.max(0, l.bytes - wb);
    const a = memoryRoof(roofs, ab, threads) ?? w;
    const memMs = (wb / weightGbps + ab / a.gbps) / 1e6;
    const computeMs = l.flops / (peak * 1e6);
    layers.push({
      index: l.index,
      name: l.def.name,
      ms: Math.max(memMs, computeMs),
      bound: memMs > computeMs ? 'memory' : 'compute',
    });
  }
  return {
    ms: layers.reduce((s, l) => s + l.ms, 0),
    peakGflops: peak,
    weightGbps,
    weightLevel: w.level,
    layers,
  };
}
