// Weights and the input image from a seeded RNG: the same seed gives the same network.
// Kaiming-uniform weights (bound √(6/fan-in)) keep activations O(1) through 19 layers, so the
// checks' relative errors mean the same at every depth; biases are small (±0.01).
import {createRng, deriveSeed} from '../core/rng.js';
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

/** Conv weights KCRS (the nets run NCHW); FC weights IN×OUT row-major. */
export function layerWeights(l: LayerPlan, seed: number): LayerWeights | undefined {
  if (l.def.type !== 'conv' && l.def.type !== 'fc') return undefined;
  const outCount = l.def.type === 'conv' ? l.def.k : l.def.out;
  const fanIn = l.weights / outCount;
  return {
    w: uniform(l.weights, Math.sqrt(6 / fanIn), deriveSeed(seed, 1000 + 2 * l.index)),
    bias: uniform(outCount, 0.01, deriveSeed(seed, 1001 + 2 * l.index)),
  };
}

export function inputImage(len: number, seed: number): Float32Array {
  return uniform(len, 1, deriveSeed(seed, 999));
}
