// Re-laying a network's tensors for an NHWC run (`dlbench net --layout nhwc`): the seeded image
// (generated NCHW) goes channels-last, conv weights KCRS → RSCK, and the first fc layer's weight
// rows follow the flatten order (H·W·C instead of C·H·W), so an NHWC forward pass computes the
// same function as the NCHW one. All set-up, done once before anything is timed.
import {UsageError} from '../core/errors.js';
import type {ConvLayout} from '../kernels/conv2d/spec.js';

export type NetLayout = ConvLayout;
export const NET_LAYOUTS: readonly NetLayout[] = ['nchw', 'nhwc'];

/** n images of c×h×w, NCHW → NHWC. */
export function nchwToNhwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const y = new Float32Array(x.length);
  const hw = h * w;
  for (let img = 0; img < n; img++) {
    const base = img * c * hw;
    for (let ch = 0; ch < c; ch++) {
      const src = base + ch * hw;
      for (let i = 0; i < hw; i++) y[base + i * c + ch] = x[src + i];
    }
  }
  return y;
}

/** Weights K×(C/g)×R×S (KCRS) → R×S×(C/g)×K (RSCK), the layout conv2d's NHWC path reads. */
export function kcrsToRsck(w: Float32Array, k: number, cg: number, r: number, s: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let kk = 0; kk < k; kk++) {
    for (let c = 0; c < cg; c++) {
      for (let rr = 0; rr < r; rr++) {
        for (let ss = 0; ss < s; ss++) out[((rr * s + ss) * cg + c) * k + kk] = w[((kk * cg + c) * r + rr) * s + ss];
      }
    }
  }
  return out;
}

/**
 * An fc layer fed by a flattened c×h×w tensor: its IN×OUT weight rows are indexed by the NCHW flatten
 * order (ch·h·w + y·w + x); NHWC flattens to (y·w + x)·c + ch, so move each row there.
 */
export function fcRowsChwToHwc(wt: Float32Array, c: number, h: number, w: number, out: number): Float32Array {
  const y = new Float32Array(wt.length);
  const hw = h * w;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < hw; i++) y.set(wt.subarray((ch * hw + i) * out, (ch * hw + i + 1) * out), (i * c + ch) * out);
  }
  return y;
}

/** `--layout`: 'nchw' or 'nhwc' (any case). */
export function parseLayout(text: string, flag = '--layout'): NetLayout {
  const t = text.trim().toLowerCase();
  if (!(NET_LAYOUTS as readonly string[]).includes(t))
    throw new UsageError(`${flag}: unknown layout '${text}'. Valid: ${NET_LAYOUTS.join(', ')}`);
  return t as NetLayout;
}

/** How a title names the layout: 'NCHW (weights KCRS)' or 'NHWC (weights RSCK)'. */
export const layoutTitle = (layout: NetLayout): string => (layout === 'nhwc' ? 'NHWC (weights RSCK)' : 'NCHW (weights KCRS)');
