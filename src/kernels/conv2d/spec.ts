// conv2d: N images of C×H×W, K filters of (C/groups)×R×S, stride, zero padding, dilation, groups.
// Layouts: NCHW with KCRS weights (Theano/PyTorch/Caffe), NHWC with RSCK weights (TensorFlow).
// Cost model: FLOPs = 2·N·K·P·Q·(C/groups)·R·S; compulsory bytes = 4·(input + weights + output).
// Check: float64 reference of every output (small problems) or of sampled outputs (first, last,
// random), each normalized by Σ|x·w| of its own sum, with the γ_n bound (n = C/groups·R·S).
import {createRng, deriveSeed, fillUniform} from '../../core/rng.js';
import type {CheckResult, OpSpec} from '../../core/types.js';
import {U32} from '../gemm/spec.js';

export type ConvLayout = 'nchw' | 'nhwc';

export interface ConvShape {
  n: number;
  c: number;
  h: number;
  w: number;
  k: number;
  r: number;
  s: number;
  stride: number;
  pad: number;
  dilation: number;
  groups: number;
  layout: ConvLayout;
}

export interface ConvInputs {
  /** N·C·H·W values in the shape's layout. */
  x: Float32Array;
  /** K·(C/groups)·R·S values: KCRS for NCHW, RSCK for NHWC. */
  w: Float32Array;
  /** Optional per-filter bias (K values), added by every variant's epilogue (network layers). */
  bias?: Float32Array;
}

export const FULL_REFERENCE_MACS = 2 ** 24;
const SAMPLED_OUTPUTS = 3000;

export function conv(p: Partial<ConvShape> & Pick<ConvShape, 'c' | 'h' | 'w' | 'k' | 'r'>): ConvShape {
  return {n: 1, s: p.r, stride: 1, pad: 0, dilation: 1, groups: 1, layout: 'nchw', ...p};
}

/** Output height P and width Q (floor of the usual formula; at least 1 for a valid shape). */
export function outDims(p: ConvShape): {P: number; Q: number} {
  const P = Math.floor((p.h + 2 * p.pad - p.dilation * (p.r - 1) - 1) / p.stride) + 1;
  const Q = Math.floor((p.w + 2 * p.pad - p.dilation * (p.s - 1) - 1) / p.stride) + 1;
  return {P, Q};
}

/** Why a shape is not a convolution (filter larger than the padded input, groups not dividing…), or undefined. */
export function invalidReason(p: ConvShape): string | undefined {
  if (p.c % p.groups || p.k % p.groups) return `groups ${p.groups} must divide C=${p.c} and K=${p.k}`;
  const {P, Q} = outDims(p);
  if (P < 1 || Q < 1) return `the ${p.r}×${p.s} filter (dilation ${p.dilation}) does not fit the padded ${p.h}×${p.w} input`;
  return undefined;
}

export function describeConv(p: ConvShape): string {
  const kern = p.r === p.s ? `r${p.r}` : `r${p.r}x${p.s}`;
  return (
    `${p.n}x${p.c}x${p.h}x${p.w}k${p.k}${kern}s${p.stride}p${p.pad}` +
    (p.dilation > 1 ? `d${p.dilation}` : '') +
    (p.groups > 1 ? `g${p.groups}` : '') +
    (p.layout === 'nhwc' ? '-nhwc' : '')
  );
}

export const convSizes = {
  input: (p: ConvShape) => p.n * p.c * p.h * p.w,
  weights: (p: ConvShape) => p.k * (p.c / p.groups) * p.r * p.s,
  output: (p: ConvShape) => {
    const {P, Q} = outDims(p);
    return p.n * p.k * P * Q;
  },
  /** One image's im2col matrix: (C·R·S)×(P·Q) values (the seeds' "serious expansion in memory"). */
  im2colPerImage: (p: ConvShape) => {
    const {P, Q} = outDims(p);
    return p.c * p.r * p.s * P * Q;
  },
};

/** Flat offsets of x, w and out for the shape's layout; one place so every variant agrees. */
export function convIndexers(p: ConvShape) {
  const {P, Q} = outDims(p);
  const cg = p.c / p.groups;
  if (p.layout === 'nchw') {
    return {
      x: (n: number, c: number, y: number, x: number) => ((n * p.c + c) * p.h + y) * p.w + x,
      w: (k: number, c: number, r: number, s: number) => ((k * cg + c) * p.r + r) * p.s + s,
      out: (n: number, k: number, y: number, x: number) => ((n * p.k + k) * P + y) * Q + x,
      /** Inverse of out: flat index → [n, k, p, q]. */
      outCoords: (i: number): [number, number, number, number] => [
        Math.floor(i / (p.k * P * Q)),
        Math.floor(i / (P * Q)) % p.k,
        Math.floor(i / Q) % P,
        i % Q,
      ],
    };
  }
  return {
    x: (n: number, c: number, y: number, x: number) => ((n * p.h + y) * p.w + x) * p.c + c,
    w: (k: number, c: number, r: number, s: number) => ((r * p.s + s) * cg + c) * p.k + k,
    out: (n: number, k: number, y: number, x: number) => ((n * P + y) * Q + x) * p.k + k,
    outCoords: (i: number): [number, number, number, number] => [
      Math.floor(i / (P * Q * p.k)),
      i % p.k,
      Math.floor(i / (Q * p.k)) % P,
      Math.floor(i / p.k) % Q,
    ],
  };
}

/** The epilogue every variant shares: out[n, k, ·, ·] += bias[k], in the shape's layout. */
export function addBias(p: ConvShape, out: Float32Array, bias: Float32Array | undefined): void {
  if (!bias) return;
  const {P, Q} = outDims(p);
  const plane = P * Q;
  if (p.layout === 'nchw') {
    for (let n = 0; n < p.n; n++) {
      for (let k = 0; k < p.k; k++) {
        const b = bias[k],
          o = (n * p.k + k) * plane;
        for (let i = 0; i < plane; i++) out[o + i] += b;
      }
    }
  } else {
    for (let i = 0, o = 0; i < p.n * plane; i++, o += p.k) {
      for (let k = 0; k < p.k; k++) out[o + k] += bias[k];
    }
  }
}

export function convTolerance(p: ConvShape, scale = 1): number {
  return scale * ((p.c / p.groups) * p.r * p.s + 3) * U32;
}

/** float64 value of one output and Σ|terms| (its rounding scale). */
export function referenceAt(
  p: ConvShape,
  {x, w, bias}: ConvInputs,
  n: number,
  k: number,
  oy: number,
  ox: number,
): [number, number] {
  const ix = convIndexers(p);
  const cg = p.c / p.groups,
    kg = p.k / p.groups;
  const g = Math.floor(k / kg);
  let sum = bias ? bias[k] : 0;
  let abs = Math.abs(sum);
  for (let c = 0; c < cg; c++) {
    for (let r = 0; r < p.r; r++) {
      const y = oy * p.stride - p.pad + r * p.dilation;
      if (y < 0 || y >= p.h) continue;
      for (let s = 0; s < p.s; s++) {
        const xx = ox * p.stride - p.pad + s * p.dilation;
        if (xx < 0 || xx >= p.w) continue;
        const t = x[ix.x(n, g * cg + c, y, xx)] * w[ix.w(k, c, r, s)];
        sum += t;
        abs += Math.abs(t);
      }
    }
  }
  return [sum, abs];
}

export const convSpec: OpSpec<ConvShape, ConvInputs, Float32Array> = {
  op: 'conv2d',
  describe: describeConv,
  macs: (p) => convSizes.output(p) * (p.c / p.groups) * p.r * p.s,
  flops: (p) => 2 * convSizes.output(p) * (p.c / p.groups) * p.r * p.s,
  bytes: (p) => 4 * (convSizes.input(p) + convSizes.weights(p) + convSizes.output(p)),
  // Inputs, output, one image's im2col buffer, and the Winograd F(4x4) buffers (36/16 of in+out).
  memoryBytes: (p) =>
    4 * (convSizes.input(p) + 3 * convSizes.weights(p) + convSizes.output(p) + convSizes.im2colPerImage(p)) +
    (4 * 2.5 * (convSizes.input(p) + convSizes.output(p))) / p.n,
  makeInputs(p, seed) {
    const x = new Float32Array(convSizes.input(p));
    const w = new Float32Array(convSizes.weights(p));
    fillUniform(x, createRng(deriveSeed(seed, 0)));
    fillUniform(w, createRng(deriveSeed(seed, 1)));
    return {x, w};
  },
  check(p, inputs, out, opts = {}) {
    const tolerance = convTolerance(p, opts.toleranceScale ?? 1);
    const total = convSizes.output(p);
    if (out.length !== total)
      return {
        pass: false,
        method: 'shape',
        error: Infinity,
        tolerance,
        detail: `output has ${out.length} values, expected ${total}`,
      };
    for (let i = 0; i < total; i++) {
      if (!Number.isFinite(out[i]))
        return {pass: false, method: 'finite', error: Infinity, tolerance, detail: `non-finite value ${out[i]} at index ${i}`};
    }
    const ix = convIndexers(p);
    const full = convSpec.macs(p) <= FULL_REFERENCE_MACS;
    const picked: number[] = [];
    if (full) {
      for (let i = 0; i < total; i++) picked.push(i);
    } else {
      const rng = createRng(deriveSeed(opts.seed ?? 0, 9));
      for (let i = 0; i < Math.min(64, total); i++) picked.push(i, total - 1 - i);
      for (let t = 0; t < SAMPLED_OUTPUTS; t++) picked.push(Math.floor(rng.next() * total));
    }
    const refs = picked.map((i) => {
      const [n, k, oy, ox] = ix.outCoords(i);
      return referenceAt(p, inputs, n, k, oy, ox);
    });
    // An output whose own terms are tiny (its window mostly in the padding) is judged against a
    // tenth of the typical scale: transform algorithms (Winograd) spread rounding over a whole tile.
    const floor = (0.1 * refs.reduce((a, [, abs]) => a + abs, 0)) / Math.max(1, refs.length);
    let worst = 0;
    let where = '';
    picked.forEach((i, j) => {
      const [ref, abs] = refs[j];
      const e = Math.abs(out[i] - ref) / Math.max(abs, floor, Number.MIN_VALUE);
      if (!(e <= worst)) {
        worst = e;
        const [n, k, oy, ox] = ix.outCoords(i);
        where = `n=${n} k=${k} p=${oy} q=${ox}`;
      }
    });
    const pass = worst <= tolerance;
    const res: CheckResult = {pass, method: full ? 'reference-f64' : 'sampled-reference-f64', error: worst, tolerance};
    return pass ? res : {...res, detail: `largest error at ${where}`};
  },
};
