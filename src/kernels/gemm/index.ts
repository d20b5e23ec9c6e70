// The GEMM op: its spec, the ladder (the variants of the GEMM list in kernels.ts, in rung
// order), its size syntax, edge shapes and presets.
import {parseDims} from '../../core/sizes.js';
import type {OpDefinition} from '../../core/types.js';
import {DEFAULT_BLOCKS, MR, NR} from './blocked.js';
import {gemmKernels} from './kernels.js';
import {nativeEdgeShapes} from './native.js';
import {gemmSpec, type GemmInputs, type GemmShape} from './spec.js';

export const GEMM_SIZE_SYNTAX = "N (square) or MxNxK (A is M×K, B is K×N); lists '256,512'; ranges '64..1024*2'";

const sq = (n: number): GemmShape => ({m: n, n, k: n});
const mnk = (m: number, n: number, k: number): GemmShape => ({m, n, k});

export const gemm: OpDefinition<GemmShape, GemmInputs, Float32Array> = {
  name: 'gemm',
  spec: gemmSpec,
  variants: gemmKernels().map((k) => k.variant),
  parseShape(token) {
    const [m, n, k] = parseDims(token, 3, '--size', GEMM_SIZE_SYNTAX);
    return {m, n, k};
  },
  edgeShapes: [
    sq(1),
    mnk(1, 1, 7),
    mnk(7, 1, 1),
    mnk(1, 9, 1),
    mnk(7, 13, 11),
    mnk(31, 37, 41),
    mnk(97, 89, 101),
    mnk(MR - 1, NR + 1, 5),
    mnk(MR + 1, NR - 1, 3),
    mnk(2 * MR + 1, 2 * NR + 1, 1),
    mnk(64, 64, 1),
    mnk(1000, 3, 17),
    mnk(3, 1000, 17),
    mnk(2, 300, 500),
    mnk(DEFAULT_BLOCKS.mc - 1, 33, DEFAULT_BLOCKS.kc + 1),
    mnk(DEFAULT_BLOCKS.mc + 1, 35, DEFAULT_BLOCKS.kc - 1),
    mnk(DEFAULT_BLOCKS.mc + 3, 131, 2 * DEFAULT_BLOCKS.kc + 1),
    // Large enough for the sampled (Freivalds) check path rather than the full reference.
    mnk(301, 263, 257),
    ...nativeEdgeShapes,
  ],
  presets: {
    quick: [sq(128), sq(256), sq(512), mnk(256, 1024, 128)],
    // The CI regression gate (bench/baseline-ci.json): a few seconds. Every rung's call stays
    // shorter than a scheduler slice, so most samples run uncontended and the medians hold
    // still on a loaded shared runner (at larger sizes they jumped between runs).
    ci: [sq(48), sq(64), sq(80)],
    standard: [sq(128), sq(256), sq(512), sq(1024), sq(2048), mnk(4096, 64, 1024), mnk(64, 4096, 1024), mnk(1024, 1024, 64)],
    // DeepBench's GEMM inference shapes (M, N, K): speech and translation models at small batch N.
    deepbench: [
      mnk(5124, 700, 2048),
      mnk(35, 700, 2048),
      mnk(5124, 700, 2560),
      mnk(35, 700, 2560),
      mnk(3072, 1, 1024),
      mnk(3072, 4, 1024),
      mnk(7680, 1, 2560),
      mnk(7680, 4, 2560),
    ],
  },
};
