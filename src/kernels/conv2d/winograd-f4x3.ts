// Rung 3b: Winograd F(4x4,3x3): 6×6 input tiles, 36 GEMMs, 4× fewer multiplies than direct.
// Interpolation points 0, ±1, ±2, ±½ make the transforms' coefficients up to 8 and 1/24, so fp32
// rounding grows (a wider tolerance); transforms cost more per tile but cover 4 outputs a side.
// Two rungs: winograd-f4x3-js (JS transforms) and winograd-f4x3 (native transforms when the addon loads).
import type {GemmEngine} from '../gemm/engine.js';
import {makeWinograd, type WinogradMatrices, type WinogradTransforms} from './winograd.js';

export const F4X3: WinogradMatrices = {
  m: 4,
  bt: [
    [4, 0, -5, 0, 1, 0],
    [0, -4, -4, 1, 1, 0],
    [0, 4, -4, -1, 1, 0],
    [0, -2, -1, 2, 1, 0],
    [0, 2, -1, -2, 1, 0],
    [0, 4, 0, -5, 0, 1],
  ],
  g: [
    [1 / 4, 0, 0],
    [-1 / 6, -1 / 6, -1 / 6],
    [-1 / 6, 1 / 6, -1 / 6],
    [1 / 24, 1 / 12, 1 / 6],
    [1 / 24, -1 / 12, 1 / 6],
    [0, 0, 1],
  ],
  at: [
    [1, 1, 1, 1, 1, 0],
    [0, 1, -1, 2, -2, 0],
    [0, 1, 1, 4, 4, 0],
    [0, 1, -1, 8, -8, 1],
  ],
};

export const makeWinogradF4x3 = (engine?: GemmEngine, transforms?: WinogradTransforms) =>
  makeWinograd(transforms === 'js' ? 'winograd-f4x3-js' : 'winograd-f4x3', F4X3, 32, engine, transforms);
export const winogradF4x3 = makeWinogradF4x3();
export const winogradF4x3Js = makeWinogradF4x3(undefined, 'js');
