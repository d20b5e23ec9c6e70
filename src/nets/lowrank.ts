// `dlbench net --lowrank`: every fc layer's W (IN×OUT) replaced by its truncated SVD U·V, computed
// once before timing (set-up, reported but not timed), through the net's GEMM engine so the
// randomized SVD runs on the fastest one. Also how much the network's output moved.
import {UsageError} from '../core/errors.js';
import type {GemmEngine} from '../kernels/gemm/engine.js';
import {compressFc, type CompressedFc} from '../kernels/svd/compress-fc.js';
import type {NetDef} from './defs.js';
import type {NetLayout} from './layout.js';
import {planNet} from './shapes.js';
import type {LayerWeights} from './weights.js';
import {layerWeights} from './weights.js';

const VALID = 'a rank (integer ≥ 1, e.g. 256) or an energy fraction in (0, 1) (e.g. 0.9)';

/** '256' → rank 256; '0.9' → keep 90% of each W's energy ‖W‖_F². */
export function parseLowrank(text: string): number {
  const t = text.trim();
  const x = /^(\d+|\d*\.\d+)$/.test(t) ? Number(t) : NaN;
  const ok = x > 0 && (x < 1 || (Number.isInteger(x) && x >= 1));
  if (!ok) throw new UsageError(`--lowrank: '${text}' is not ${VALID}`);
  return x;
}

export interface LowRankFc extends CompressedFc {
  layer: string;
  in: number;
  out: number;
  /** Wall time of the SVD and factor assembly (set-up, not part of the layer's timing). */
  compressMs: number;
  /** Set when the layer stays dense: the energy fraction needs a rank that saves no parameters. */
  keptDense?: string;
}

/** The rank at which k·(IN + OUT) factors hold as many values as IN·OUT weights. */
export const breakEvenRank = (nIn: number, nOut: number): number => Math.floor((nIn * nOut) / (nIn + nOut));

/** Factors for every fc layer of `net`, keyed by layer index; weights come from (and go to) the cache. */
export async function compressNetFc(
  net: NetDef,
  rankOrEnergy: number,
  opts: {
    seed: number;
    engine: GemmEngine;
    threads: number;
    weightCache?: Map<number, LayerWeights | undefined>;
    layout?: NetLayout;
  },
): Promise<Map<number, LowRankFc>> {
  const out = new Map<number, LowRankFc>();
  const exec = await opts.engine.create({threads: opts.threads});
  try {
    // The run's layout: an NHWC fc6 has its weight rows in H·W·C order, and so do its factors U.
    for (const l of planNet(net, 1, opts.layout)) {
      if (l.def.type !== 'fc' || l.kernel?.op !== 'layer' || l.kernel.shape.kind !== 'fc') continue;
      const {in: nIn, out: nOut} = l.kernel.shape;
      let w = opts.weightCache?.get(l.index);
      if (!w) {
        w = layerWeights(l, opts.seed)!;
        opts.weightCache?.set(l.index, w);
      }
      const t0 = performance.now();
      // W is IN×OUT row-major (y = x·W): compressFc's "out×in" matrix with rows = IN, so u = U_kΣ_k is IN×k, v = V_kᵀ is k×OUT.
      // An energy fraction searches ranks only up to break-even: beyond it the factors are bigger than W.
      const even = breakEvenRank(nIn, nOut);
      const energyMode = rankOrEnergy < 1;
      const c = await compressFc(w.w, nIn, nOut, rankOrEnergy, {exec, seed: opts.seed, ...(energyMode ? {maxRank: even} : {})});
      const ms = performance.now() - t0;
      const short = energyMode && c.energy < rankOrEnergy;
      out.set(l.index, {
        ...c,
        layer: l.def.name,
        in: nIn,
        out: nOut,
        compressMs: ms,
        ...(short
          ? {
              keptDense: `kept dense: ${rankOrEnergy} of the energy needs rank > ${even} (break-even); rank ${c.rank} keeps ${(100 * c.energy).toFixed(1)}%`,
              paramsAfter: c.paramsBefore,
            }
          : {}),
      });
    }
  } finally {
    await exec.dispose?.();
  }
  return out;
}

export interface OutputChange {
  /** ‖y − y₀‖₂ / ‖y₀‖₂ over the whole final output (all images). */
  relL2: number;
  /** Images whose arg-max class is the same as with the dense weights. */
  top1Agree: number;
  images: number;
}

/** How far the compressed network's output y moved from the dense one y0 (N rows of `classes`). */
export function outputChange(y: Float32Array, y0: Float32Array, classes: number): OutputChange {
  let d = 0,
    e = 0;
  for (let i = 0; i < y0.length; i++) {
    d += (y[i] - y0[i]) ** 2;
    e += y0[i] ** 2;
  }
  const images = Math.floor(y0.length / classes);
  const argmax = (a: Float32Array, r: number): number => {
    let best = 0;
    for (let j = 1; j < classes; j++) if (a[r * classes + j] > a[r * classes + best]) best = j;
    return best;
  };
  let agree = 0;
  for (let r = 0; r < images; r++) if (argmax(y, r) === argmax(y0, r)) agree++;
  return {relL2: e > 0 ? Math.sqrt(d / e) : Math.sqrt(d), top1Agree: agree, images};
}

/** The metrics a compressed fc row carries. */
export function lowRankMetrics(c: LowRankFc): Record<string, number | string> {
  return {
    lowrankRank: c.keptDense ? 'dense' : c.rank,
    paramsBefore: c.paramsBefore,
    paramsAfter: c.paramsAfter,
    lowrankRelError: c.keptDense ? 0 : c.relError,
    lowrankEnergy: c.keptDense ? 1 : c.energy,
    lowrankMethod: c.keptDense ?? c.method,
    compressMs: c.compressMs,
  };
}
