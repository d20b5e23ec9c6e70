// Rung 3a: Winograd F(2x2,3x3): 4×4 input tiles, 16 GEMMs, 2.25× fewer multiplies than direct.
// Transform coefficients are 0, ±1, ±½: errors stay within a few times those of direct summation.
// Bottleneck: the 16 GEMMs for wide layers, the scattered tile transforms for thin ones.
// Two rungs: winograd-f2x3-js (JS transforms) and winograd-f2x3 (native transforms when the addon loads).
import type {GemmEngine} from '../gemm/engine.js';
import {makeWinograd, type WinogradMatrices, type WinogradTransforms} from './winograd.js';

export const F2X3: WinogradMatrices = {
  m: 2,
  bt: [
    [1, 0, -1, 0],
    [0, 1, 1, 0],
    [0, -1, 1, 0],
    [0, 1, 0, -1],
  ],
  g: [
    [1, 0, 0],
    [0.5, 0.5, 0.5],
    [0.5, -0.5, 0.5],
    [0, 0, 1],
  ],
  at: [
    [1, 1, 1, 0],
    [0, 1, -1, -1],
  ],
};

export const makeWinogradF2x3 = (engine?: GemmEngine, transforms?: WinogradTransforms) =>
  makeWinograd(transforms === 'js' ? 'winograd-f2x3-js' : 'winograd-f2x3', F2X3, 4, engine, transforms);
export const winogradF2x3 = makeWinogradF2x3();
export const winogradF2x3Js = makeWinogradF2x3(undefined, 'js');
