// Weights and the input image from a seeded RNG: the same seed gives the same network.
// Kaiming-uniform weights (bound √(6/fan-in)) keep activations O(1) through 19 layers, so the
// checks' relative errors mean the same at every depth; biases are small (±0.01).
import {createRng, deriveSeed} from '../core/rng.js';
import {fcRowsChwToHwc, kcrsToRsck, nchwToNhwc, type NetLayout} from './layout.js';
import type {LayerPlan} from './shapes.js';

export interface LayerWeights {
  w: Float32Array;
  bias: Float32Array;
}

function uniform(len: number, bound: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = rng.uniform(-bound, bound);
  return a;
}

/**
 * Conv weights KCRS (NCHW plan) or RSCK (NHWC plan); FC weights IN×OUT row-major, rows in the plan's
 * flatten order. The values are drawn KCRS / C·H·W-ordered either way, then re-laid, so both layouts
 * run the same network.
 */
export function layerWeights(l: LayerPlan, seed: number): LayerWeights | undefined {
  if (l.def.type !== 'conv' && l.def.type !== 'fc') return undefined;
  const outCount = l.def.type === 'conv' ? l.def.k : l.def.out;
  const fanIn = l.weights / outCount;
  let w = uniform(l.weights, Math.sqrt(6 / fanIn), deriveSeed(seed, 1000 + 2 * l.index));
  if (l.layout === 'nhwc' && l.kernel?.op === 'conv2d') {
    const p = l.kernel.shape;
    w = kcrsToRsck(w, p.k, p.c / p.groups, p.r, p.s);
  } else if (l.flattenedFrom) {
    w = fcRowsChwToHwc(w, ...l.flattenedFrom, outCount);
  }
  return {w, bias: uniform(outCount, 0.01, deriveSeed(seed, 1001 + 2 * l.index))};
}

export function inputImage(len: number, seed: number): Float32Array {
  return uniform(len, 1, deriveSeed(seed, 999));
}

/** The seeded batch of images of shape [batch, ...chw], in the run's layout (the same pixels either way). */
export function netInput(batch: number, chw: [number, number, number], seed: number, layout: NetLayout = 'nchw'): Float32Array {
  const x = inputImage(batch * chw[0] * chw[1] * chw[2], seed);
  return layout === 'nhwc' ? nchwToNhwc(x, batch, ...chw) : x;
}
