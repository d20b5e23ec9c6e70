// Rung 1 of the conv2d ladder: the seven nested loops of the definition, one output at a time.
// NCHW: n → k → p → q, then the C/groups·R·S reduction with padding tested per tap; NHWC: n → p → q → k,
// reducing over r → s → c (weights RSCK are then walked with stride K). No reuse beyond what the
// caches find by themselves: the bottleneck is load issue and branchy bounds checks, ~1 MAC per cycle.
import type {KernelVariant} from '../../core/types.js';
import {addBias, convSizes, convSpec, outDims, type ConvInputs, type ConvShape} from './spec.js';

/** Above this many MACs a run takes seconds: skipped unless the variant is named. */
export const DIRECT_MAX_MACS = 4e8;

export function convDirect(p: ConvShape, x: Float32Array, w: Float32Array, out: Float32Array): void {
  const {P, Q} = outDims(p);
  const cg = p.c / p.groups,
    kg = p.k / p.groups;
  const {h: H, w: W, r: R, s: S, stride, pad, dilation: dil} = p;
  if (p.layout === 'nchw') {
    for (let n = 0; n < p.n; n++) {
      for (let k = 0; k < p.k; k++) {
        const g = Math.floor(k / kg);
        for (let oy = 0; oy < P; oy++) {
          for (let ox = 0; ox < Q; ox++) {
            let sum = 0;
            for (let c = 0; c < cg; c++) {
              const xPlane = (n * p.c + g * cg + c) * H * W;
              const wBase = (k * cg + c) * R * S;
              for (let r = 0; r < R; r++) {
                const y = oy * stride - pad + r * dil;
                if (y < 0 || y >= H) continue;
                for (let s = 0; s < S; s++) {
                  const xx = ox * stride - pad + s * dil;
                  if (xx < 0 || xx >= W) continue;
                  sum += x[xPlane + y * W + xx] * w[wBase + r * S + s];
                }
              }
            }
            out[((n * p.k + k) * P + oy) * Q + ox] = sum;
          }
        }
      }
    }
    return;
  }
  for (let n = 0; n < p.n; n++) {
    for (let oy = 0; oy < P; oy++) {
      for (let ox = 0; ox < Q; ox++) {
        const o = ((n * P + oy) * Q + ox) * p.k;
        for (let k = 0; k < p.k; k++) {
          const c0 = Math.floor(k / kg) * cg;
          let sum = 0;
          for (let r = 0; r < R; r++) {
            const y = oy * stride - pad + r * dil;
            if (y < 0 || y >= H) continue;
            for (let s = 0; s < S; s++) {
              const xx = ox * stride - pad + s * dil;
              if (xx < 0 || xx >= W) continue;
              const xBase = ((n * H + y) * W + xx) * p.c + c0;
              const wBase = (r * S + s) * cg * p.k + k;
              for (let c = 0; c < cg; c++) sum += x[xBase + c] * w[wBase + c * p.k];
            }
          }
          out[o + k] = sum;
        }
      }
    }
  }
}

interface State {
  p: ConvShape;
  inputs: ConvInputs;
  out: Float32Array;
}

export const direct: KernelVariant<ConvShape, ConvInputs, Float32Array, State> = {
  id: 'conv2d/direct',
  op: 'conv2d',
  backend: 'js',
  summary: 'the definition: 7 nested loops, one output at a time, padding tested per tap (the baseline)',
  spec: convSpec,
  available: () => ({ok: true}),
  limits: (p) =>
    convSpec.macs(p) > DIRECT_MAX_MACS
      ? {
          ok: false,
          reason: `${(convSpec.macs(p) / 1e6).toFixed(0)}M MACs would take seconds per call; name conv2d/direct to force it`,
        }
      : {ok: true},
  prepare: (p, inputs) => ({p, inputs, out: new Float32Array(convSizes.output(p))}),
  run(st) {
    convDirect(st.p, st.inputs.x, st.inputs.w, st.out);
    addBias(st.p, st.out, st.inputs.bias);
    return st.out;
  },
};
