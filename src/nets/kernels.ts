// Which kernel runs each layer: `--conv <variant>` and `--gemm <engine>` resolved to variants,
// and the candidate lists `--best` measures. Conv variants that cannot run a layer (Winograd on
// AlexNet's 11×11) fall back to im2col with the chosen engine, and the row says so.
import {UsageError} from '../core/errors.js';
import type {Caps, KernelVariant} from '../core/types.js';
import {direct, DIRECT_MAX_MACS} from '../kernels/conv2d/direct.js';
import {engineShortName, makeIm2col} from '../kernels/conv2d/im2col.js';
import {convSpec, type ConvShape} from '../kernels/conv2d/spec.js';
import {makeWinogradF2x3} from '../kernels/conv2d/winograd-f2x3.js';
import {makeWinogradF4x3} from '../kernels/conv2d/winograd-f4x3.js';
import {conv2dWebgpu} from '../kernels/conv2d/webgpu.js';
import type {GemmEngine} from '../kernels/gemm/engine.js';
import {autoConv} from './auto-conv.js';
import {engineNames, fastestEngine, findEngine, gemmEngines} from '../kernels/gemm/engines.js';
import {makeFc} from '../kernels/layers/fc.js';
import {fcPacked} from '../kernels/layers/fc-packed.js';
import {makeFcLowRank} from '../kernels/layers/fc-lowrank.js';
import {layerJs} from '../kernels/layers/js.js';
import {layerNative} from '../kernels/layers/native.js';
import type {LayerShape} from '../kernels/layers/spec.js';

export const CONV_CHOICES = [
  'auto',
  'direct',
  'im2col',
  ...engineNames().map((e) => `im2col-${e}`),
  'winograd-f2x3',
  'winograd-f4x3',
  'webgpu',
];

export interface KernelChoice {
  /** 'auto' (per layer: auto-conv.ts), 'direct', 'im2col' (with the chosen engine), 'im2col-<engine>', 'winograd-f2x3', 'winograd-f4x3', 'webgpu'. */
  conv: string;
  gemm: GemmEngine;
}

export function resolveChoice(conv: string | undefined, gemm: string | undefined, caps: Caps): KernelChoice {
  const engine = gemm ? findEngine(gemm) : fastestEngine(caps);
  const a = engine.available(caps);
  if (!a.ok)
    throw new UsageError(
      `--gemm: engine '${engine.id}' is unavailable here (${a.reason}). Valid: ${gemmEngines
        .filter((e) => e.available(caps).ok)
        .map(engineShortName)
        .join(', ')}`,
    );
  const name = (conv ?? 'auto').replace(/^conv2d\//, '');
  if (!CONV_CHOICES.includes(name))
    throw new UsageError(`--conv: unknown conv variant '${conv}'. Valid: ${CONV_CHOICES.join(', ')}`);
  if (name.startsWith('im2col-')) {
    const e = findEngine(name.slice('im2col-'.length), '--conv');
    if (gemm && e.id !== engine.id)
      throw new UsageError(`--conv: '${name}' uses ${e.id} but --gemm chose ${engine.id}. Valid: --conv im2col with --gemm`);
    return {conv: name, gemm: e};
  }
  return {conv: name, gemm: engine};
}

// Variants are cached per (choice, engine) so every layer with the same choice shares one descriptor.
const cache = new Map<string, KernelVariant>();
function cached(key: string, make: () => KernelVariant): KernelVariant {
  let v = cache.get(key);
  if (!v) cache.set(key, (v = make()));
  return v;
}

function convByName(name: string, engine: GemmEngine): KernelVariant {
  switch (name) {
    case 'direct':
      return direct;
    case 'winograd-f2x3':
      return cached(`f2:${engine.id}`, () => makeWinogradF2x3(engine));
    case 'winograd-f4x3':
      return cached(`f4:${engine.id}`, () => makeWinogradF4x3(engine));
    case 'webgpu':
      return conv2dWebgpu;
    default:
      return cached(`im2col:${engine.id}`, () => makeIm2col(engine));
  }
}

/** The conv variant for one layer, and a note when the choice could not run it (or why auto picked it). */
export function convVariant(
  choice: KernelChoice,
  p: ConvShape,
  caps: Caps,
): {variant: KernelVariant; fallback?: string; auto?: string} {
  if (choice.conv === 'auto') {
    const pick = autoConv(p, choice.gemm);
    return {...convVariant({...choice, conv: pick.conv}, p, caps), auto: pick.why};
  }
  const v = convByName(choice.conv, choice.gemm);
  // An unavailable backend (no GPU adapter) would leave a hole in the forward pass: fall back, say why.
  const a = v.available(caps);
  if (!a.ok) return {variant: convByName('im2col', choice.gemm), fallback: `${v.id} is unavailable: ${a.reason}`};
  const s = v.supports?.(p);
  if (s && !s.ok) return {variant: convByName('im2col', choice.gemm), fallback: `${v.id} cannot run this layer: ${s.reason}`};
  return {variant: v};
}

/** Batches up to this use layer/fc-packed under the native engine: a GEMV-like product bound by streaming W. */
export const FC_PACKED_MAX_BATCH = 16;

/**
 * The fc kernel under an engine: with the native engine and a small batch, layer/fc-packed (W packed
 * once, streamed by panels); otherwise one engine GEMM. `batch` absent: the engine's.
 */
export function fcVariant(engine: GemmEngine, batch?: number, caps: Caps = {threads: 1}): KernelVariant {
  if (batch !== undefined && batch <= FC_PACKED_MAX_BATCH && engine.id === 'gemm/native' && fcPacked.available(caps).ok)
    return fcPacked;
  return cached(`fc:${engine.id}`, () => makeFc(engine));
}
export const fcLowRankVariant = (engine: GemmEngine): KernelVariant =>
  cached(`fc-lowrank:${engine.id}`, () => makeFcLowRank(engine));
/** The memory-bound layers: native when the addon is built and has the kind, else plain JS. */
export function otherVariant(p: LayerShape, caps: Caps): KernelVariant {
  const ok = layerNative.available(caps).ok && (layerNative.supports?.(p).ok ?? true);
  return ok ? layerNative : layerJs;
}

/** Every conv variant worth timing on this layer (`--best`): direct only when it takes under a second or so. */
export function convCandidates(p: ConvShape, caps: Caps): KernelVariant[] {
  const out: KernelVariant[] = [];
  if (convSpec.macs(p) <= DIRECT_MAX_MACS) out.push(direct);
  const engines = gemmEngines.filter((e) => e.available(caps).ok);
  for (const e of engines) out.push(convByName('im2col', e));
  const fastest = fastestEngine(caps);
  for (const w of ['winograd-f2x3', 'winograd-f4x3']) {
    const v = convByName(w, fastest);
    if (v.supports?.(p).ok ?? true) out.push(v);
  }
  return out;
}

export function fcCandidates(caps: Caps): KernelVariant[] {
  const out = gemmEngines.filter((e) => e.available(caps).ok).map((e) => fcVariant(e));
  return fcPacked.available(caps).ok ? [...out, fcPacked] : out;
}
