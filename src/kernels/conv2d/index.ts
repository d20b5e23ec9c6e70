// The conv2d op: its spec, the ladder (direct → im2col + each GEMM engine → Winograd), its size
// syntax, edge shapes and numeric presets (named network layers and their presets are added by
// src/nets/conv-layers.ts). im2col variants come from the engine list: when a faster
// engine (native, workers) joins gemmEngines, its conv2d/im2col-<engine> appears here by itself.
import type {OpDefinition} from '../../core/types.js';
import {gemmEngines} from '../gemm/engines.js';
import {direct} from './direct.js';
import {makeIm2col} from './im2col.js';
import {parseConvShape} from './parse.js';
import {conv2dWebgpu} from './webgpu.js';
import {conv, convSpec, type ConvInputs, type ConvShape} from './spec.js';
import {winogradF2x3, winogradF2x3Js} from './winograd-f2x3.js';
import {winogradF4x3, winogradF4x3Js} from './winograd-f4x3.js';

const bothLayouts = (shapes: ConvShape[]): ConvShape[] => shapes.flatMap((p) => [p, {...p, layout: 'nhwc' as const}]);

export const conv2d: OpDefinition<ConvShape, ConvInputs, Float32Array> = {
  name: 'conv2d',
  spec: convSpec,
  // gemmEngines is fastest first; the ladder runs slowest first.
  variants: [
    direct,
    ...[...gemmEngines].reverse().map(makeIm2col),
    winogradF2x3Js,
    winogradF4x3Js,
    winogradF2x3,
    winogradF4x3,
    conv2dWebgpu,
  ],
  parseShape: (token) => parseConvShape(token),
  edgeShapes: bothLayouts([
    conv({c: 1, h: 1, w: 1, k: 1, r: 1}),
    conv({c: 3, h: 7, w: 5, k: 4, r: 3, pad: 1}),
    conv({n: 2, c: 5, h: 9, w: 11, k: 7, r: 3, pad: 1}),
    conv({c: 2, h: 3, w: 3, k: 2, r: 3}),
    conv({c: 2, h: 4, w: 5, k: 3, r: 3, pad: 3}),
    conv({c: 8, h: 14, w: 14, k: 8, r: 3, pad: 1}),
    conv({c: 4, h: 10, w: 10, k: 6, r: 1}),
    conv({n: 2, c: 3, h: 13, w: 13, k: 5, r: 1, stride: 2}),
    conv({c: 3, h: 15, w: 17, k: 4, r: 5, stride: 2, pad: 2}),
    conv({c: 3, h: 23, w: 23, k: 8, r: 11, stride: 4}),
    conv({c: 3, h: 6, w: 8, k: 2, r: 3, s: 5, pad: 2}),
    conv({c: 4, h: 8, w: 8, k: 6, r: 3, pad: 1, groups: 2}),
    conv({n: 2, c: 6, h: 9, w: 7, k: 6, r: 3, pad: 1, groups: 3}),
    conv({c: 4, h: 8, w: 8, k: 4, r: 1, groups: 4}),
    conv({c: 4, h: 9, w: 9, k: 4, r: 3, pad: 2, dilation: 2}),
    conv({c: 4, h: 11, w: 9, k: 4, r: 3, pad: 1, stride: 2, dilation: 2, groups: 2}),
    // Above the full-reference limit: exercises the sampled check.
    conv({c: 48, h: 30, w: 30, k: 48, r: 3, pad: 1}),
  ]),
  presets: {
    quick: [
      conv({c: 32, h: 28, w: 28, k: 32, r: 3, pad: 1}),
      conv({c: 32, h: 28, w: 28, k: 32, r: 3, pad: 1, layout: 'nhwc'}),
      conv({c: 64, h: 14, w: 14, k: 64, r: 1}),
      conv({c: 3, h: 63, w: 63, k: 32, r: 11, stride: 4, pad: 2}),
    ],
  },
};
