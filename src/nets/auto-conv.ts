// `dlbench net --conv auto` (the default): per conv layer Winograd where it wins, else im2col on the net's
// engine. The rule compares multiplies per (channel × filter) as the micro-kernel performs them, padding
// included: F(m×m) α²·(tiles across the batch rounded up to NR), im2col 9·N·(P·Q rounded up to NR, MR for
// NHWC); Winograd up to AUTO_MARGIN of im2col's, native transforms only (JS ones lose to im2col-native).
// Few channels or filters per group: im2col (the transforms cost more than the multiplies they save).
import {outDims, type ConvShape} from '../kernels/conv2d/spec.js';
import {winogradSupports} from '../kernels/conv2d/winograd.js';
import {nativeIsaOf} from '../kernels/conv2d/winograd-native.js';
import type {GemmEngine} from '../kernels/gemm/engine.js';
import {kernelFor} from '../native/loader.js';

/** Fewer channels (or filters) per group than this: im2col. Calibrated on VGG's conv1_1 (C = 3) with its bias,
 * where im2col wins (docs/conv-and-nets.md has the measurement). */
export const AUTO_MIN_CHANNELS = 16;
/** Winograd's padded multiply count must be at most this fraction of im2col's: its transforms are not free, and
 * at this ratio the two measured a near tie (512×7×7 with 512 filters; docs/conv-and-nets.md). */
export const AUTO_MARGIN = 0.9;

export interface AutoPick {
  conv: 'im2col' | 'winograd-f2x3' | 'winograd-f4x3';
  /** Why, in one line (goes into the row's metrics). */
  why: string;
}

/** Multiplies per (channel × filter) of F(m×m,3×3) with the batch's tiles in slivers of nr. */
export function winogradWork(p: ConvShape, m: number, nr: number): number {
  const {P, Q} = outDims(p);
  const tiles = p.n * Math.ceil(P / m) * Math.ceil(Q / m);
  return (m + 2) ** 2 * Math.ceil(tiles / nr) * nr;
}

export function autoConv(p: ConvShape, engine: GemmEngine): AutoPick {
  const isa = nativeIsaOf(engine);
  if (!isa) return {conv: 'im2col', why: `im2col: no native Winograd transforms with ${engine.id}`};
  const s = winogradSupports(p);
  if (!s.ok) return {conv: 'im2col', why: 'im2col: Winograd needs 3×3, stride 1'};
  const cg = p.c / p.groups,
    kg = p.k / p.groups;
  if (Math.min(cg, kg) < AUTO_MIN_CHANNELS)
    return {conv: 'im2col', why: `im2col: ${Math.min(cg, kg)} channels or filters per group < ${AUTO_MIN_CHANNELS}`};
  const k = kernelFor(isa);
  const nr = k.ok ? k.kernel.nr : 1,
    mr = k.ok ? k.kernel.mr : 1;
  const {P, Q} = outDims(p);
  const lanes = p.layout === 'nchw' ? nr : mr;
  const im2col = 9 * p.n * Math.ceil((P * Q) / lanes) * lanes,
    f2 = winogradWork(p, 2, nr),
    f4 = winogradWork(p, 4, nr);
  const m = f4 <= f2 ? 4 : 2,
    best = Math.min(f2, f4);
  const counts = `multiplies per channel·filter: F(4x4) ${f4}, F(2x2) ${f2}, im2col ${im2col}`;
  if (best > AUTO_MARGIN * im2col) return {conv: 'im2col', why: `im2col: ${counts}`};
  return {conv: m === 4 ? 'winograd-f4x3' : 'winograd-f2x3', why: `F(${m}x${m}): ${counts}`};
}
