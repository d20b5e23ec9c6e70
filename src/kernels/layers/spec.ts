// The 'layer' op: a network's building blocks benchmarked alone, so the memory-bound ones (ReLU,
// bias add, pooling, LRN, softmax, transpose, dot) show up under the memory roof and FC (a GEMM)
// under the compute roof. One shape type, tagged by `kind`; each kind has its own cost and check.
// FLOPs count one per comparison/add for the memory-bound kinds; 4-D kinds list N, C, H, W whatever
// the memory layout (`layout: 'nhwc'`, token suffix -nhwc: channels innermost; absent = NCHW).
// Check: a float64 reference of every output; exact for max/copy kinds, γ-style bounds otherwise.
import {UsageError} from '../../core/errors.js';
import {createRng, deriveSeed, fillUniform} from '../../core/rng.js';
import {parsePositiveInt} from '../../core/sizes.js';
import type {CheckResult, OpSpec} from '../../core/types.js';
import {FULL_REFERENCE_MACS, U32} from '../gemm/spec.js';
import {LRN_DEFAULTS} from './lrn.js';

export type LayerLayout = 'nchw' | 'nhwc';
/** N, C, H, W of a 4-D tensor; `layout` says how it lies in memory (absent: NCHW). */
export type Nchw = {n: number; c: number; h: number; w: number; layout?: LayerLayout};
export type LayerShape =
  | ({kind: 'relu' | 'bias' | 'lrn'} & Nchw)
  | ({kind: 'maxpool'; size: number; stride: number} & Nchw)
  | {kind: 'softmax'; n: number; d: number}
  | {kind: 'transpose'; rows: number; cols: number}
  | {kind: 'dot'; len: number}
  | {kind: 'fc'; n: number; in: number; out: number};

export type LayerKind = LayerShape['kind'];

export interface LayerInputs {
  x: Float32Array;
  /** dot: the second vector. */
  y?: Float32Array;
  /** bias: C values; fc: out values. */
  bias?: Float32Array;
  /** fc: in×out row-major (y = x·W + b). */
  w?: Float32Array;
}

export const LAYER_SIZE_SYNTAX =
  'relu:NxCxHxW, bias:NxCxHxW, lrn:NxCxHxW, maxpool<size>s<stride>:NxCxHxW (maxpool: is 2s2; ' +
  'these four take a -nhwc suffix for channels-last memory), softmax:NxD, transpose:RxC, dot:LEN, fc:NxINxOUT';

const isNhwc = (p: LayerShape): boolean => 'layout' in p && p.layout === 'nhwc';

/** Flat offset of (n, c, y, x) in a 4-D layer tensor of the given dims and layout. */
export function nchwIndexer(
  layout: LayerLayout | undefined,
  c: number,
  h: number,
  w: number,
): (n: number, ch: number, y: number, x: number) => number {
  return layout === 'nhwc' ? (n, ch, y, x) => ((n * h + y) * w + x) * c + ch : (n, ch, y, x) => ((n * c + ch) * h + y) * w + x;
}

export function poolOut(h: number, size: number, stride: number): number {
  return Math.floor((h - size) / stride) + 1;
}

export function outputLength(p: LayerShape): number {
  switch (p.kind) {
    case 'relu':
    case 'bias':
    case 'lrn':
      return p.n * p.c * p.h * p.w;
    case 'maxpool':
      return p.n * p.c * poolOut(p.h, p.size, p.stride) * poolOut(p.w, p.size, p.stride);
    case 'softmax':
      return p.n * p.d;
    case 'transpose':
      return p.rows * p.cols;
    case 'dot':
      return 1;
    case 'fc':
      return p.n * p.out;
  }
}

export function inputLength(p: LayerShape): number {
  switch (p.kind) {
    case 'relu':
    case 'bias':
    case 'lrn':
    case 'maxpool':
      return p.n * p.c * p.h * p.w;
    case 'softmax':
      return p.n * p.d;
    case 'transpose':
      return p.rows * p.cols;
    case 'dot':
      return p.len;
    case 'fc':
      return p.n * p.in;
  }
}

export function describeLayer(p: LayerShape): string {
  const sfx = isNhwc(p) ? '-nhwc' : '';
  switch (p.kind) {
    case 'relu':
    case 'bias':
    case 'lrn':
      return `${p.kind}:${p.n}x${p.c}x${p.h}x${p.w}${sfx}`;
    case 'maxpool':
      return `maxpool${p.size}s${p.stride}:${p.n}x${p.c}x${p.h}x${p.w}${sfx}`;
    case 'softmax':
      return `softmax:${p.n}x${p.d}`;
    case 'transpose':
      return `transpose:${p.rows}x${p.cols}`;
    case 'dot':
      return `dot:${p.len}`;
    case 'fc':
      return `fc:${p.n}x${p.in}x${p.out}`;
  }
}

export function parseLayerShape(token: string, flag = '--size'): LayerShape {
  const m = /^([a-z]+)(?:(\d+)s(\d+))?:([\dx]+)(?:-(nhwc|nchw))?$/i.exec(token.trim());
  const bad = (why: string) => new UsageError(`${flag}: '${token}' ${why}. Valid: ${LAYER_SIZE_SYNTAX}`);
  if (!m) throw bad('is not a layer shape');
  const kind = m[1].toLowerCase();
  const dims = m[4].split('x').map((d) => parsePositiveInt(d, flag));
  const need = (k: number) => {
    if (dims.length !== k) throw bad(`needs ${k} dimensions`);
  };
  if (m[2] !== undefined && kind !== 'maxpool') throw bad('has pooling parameters on a non-pooling kind');
  const layoutText = m[5]?.toLowerCase();
  if (layoutText && !['relu', 'bias', 'lrn', 'maxpool'].includes(kind))
    throw bad(`has a layout suffix on the ${kind} kind (only relu, bias, lrn, maxpool have one)`);
  // NCHW stays the unmarked default, so shapes and result files read exactly as before.
  const layout = layoutText === 'nhwc' ? {layout: 'nhwc' as const} : {};
  switch (kind) {
    case 'relu':
    case 'bias':
    case 'lrn': {
      need(4);
      const [n, c, h, w] = dims;
      return {kind, n, c, h, w, ...layout};
    }
    case 'maxpool': {
      need(4);
      const [n, c, h, w] = dims;
      const size = m[2] === undefined ? 2 : parsePositiveInt(m[2], flag);
      const stride = m[3] === undefined ? 2 : parsePositiveInt(m[3], flag);
      if (size > h || size > w) throw bad(`has a ${size}×${size} window larger than the ${h}×${w} input`);
      return {kind, n, c, h, w, size, stride, ...layout};
    }
    case 'softmax':
      need(2);
      return {kind, n: dims[0], d: dims[1]};
    case 'transpose':
      need(2);
      return {kind, rows: dims[0], cols: dims[1]};
    case 'dot':
      need(1);
      return {kind, len: dims[0]};
    case 'fc':
      need(3);
      return {kind, n: dims[0], in: dims[1], out: dims[2]};
    default:
      throw bad(`has unknown kind '${kind}'`);
  }
}

function layerFlops(p: LayerShape): number {
  const out = outputLength(p);
  switch (p.kind) {
    case 'relu':
    case 'bias':
      return out;
    case 'maxpool':
      return out * p.size * p.size;
    // Sum of squares over the window (a MAC per tap), then scale, power and divide.
    case 'lrn':
      return out * (2 * LRN_DEFAULTS.size + 4);
    // Max, subtract, exp, sum, divide.
    case 'softmax':
      return 5 * out;
    case 'transpose':
      return 0;
    case 'dot':
      return 2 * p.len;
    case 'fc':
      return 2 * p.n * p.in * p.out + p.n * p.out;
  }
}

function layerBytes(p: LayerShape): number {
  const inp = inputLength(p),
    out = outputLength(p);
  switch (p.kind) {
    case 'bias':
      return 4 * (inp + out + p.c);
    case 'dot':
      return 8 * p.len + 4;
    case 'fc':
      return 4 * (inp + p.in * p.out + p.out + out);
    default:
      return 4 * (inp + out);
  }
}

export function makeLayerInputs(p: LayerShape, seed: number): LayerInputs {
  const rand = (len: number, stream: number) => {
    const a = new Float32Array(len);
    fillUniform(a, createRng(deriveSeed(seed, stream)));
    return a;
  };
  const x = rand(inputLength(p), 0);
  switch (p.kind) {
    case 'bias':
      return {x, bias: rand(p.c, 1)};
    case 'dot':
      return {x, y: rand(p.len, 1)};
    case 'fc':
      return {x, w: rand(p.in * p.out, 1), bias: rand(p.out, 2)};
    default:
      return {x};
  }
}

/** float64 reference value and rounding scale of every output. */
export function layerReference(p: LayerShape, inp: LayerInputs): {ref: Float64Array; scale: Float64Array} {
  const len = outputLength(p);
  const ref = new Float64Array(len),
    scale = new Float64Array(len);
  const x = inp.x;
  switch (p.kind) {
    case 'relu':
      for (let i = 0; i < len; i++) {
        ref[i] = Math.max(0, x[i]);
        scale[i] = Math.abs(x[i]);
      }
      break;
    case 'bias': {
      const hw = p.h * p.w;
      for (let i = 0; i < len; i++) {
        const b = inp.bias![isNhwc(p) ? i % p.c : Math.floor(i / hw) % p.c];
        ref[i] = x[i] + b;
        scale[i] = Math.abs(x[i]) + Math.abs(b);
      }
      break;
    }
    case 'maxpool': {
      const P = poolOut(p.h, p.size, p.stride),
        Q = poolOut(p.w, p.size, p.stride);
      const at = nchwIndexer(p.layout, p.c, p.h, p.w),
        outAt = nchwIndexer(p.layout, p.c, P, Q);
      for (let n = 0; n < p.n; n++) {
        for (let c = 0; c < p.c; c++) {
          for (let pp = 0; pp < P; pp++) {
            for (let q = 0; q < Q; q++) {
              let m = -Infinity;
              for (let r = 0; r < p.size; r++)
                for (let s = 0; s < p.size; s++) m = Math.max(m, x[at(n, c, pp * p.stride + r, q * p.stride + s)]);
              const i = outAt(n, c, pp, q);
              ref[i] = m;
              scale[i] = Math.abs(m);
            }
          }
        }
      }
      break;
    }
    case 'lrn': {
      const {size, alpha, beta, k} = LRN_DEFAULTS;
      // Neighbouring channels lie hw apart in NCHW, next to each other in NHWC.
      const hw = p.h * p.w,
        step = isNhwc(p) ? 1 : hw;
      for (let i = 0; i < len; i++) {
        const c = isNhwc(p) ? i % p.c : Math.floor(i / hw) % p.c;
        let sq = 0;
        for (let cc = Math.max(0, c - (size >> 1)); cc <= Math.min(p.c - 1, c + (size >> 1)); cc++)
          sq += x[i + (cc - c) * step] ** 2;
        ref[i] = x[i] / Math.pow(k + (alpha / size) * sq, beta);
        scale[i] = Math.abs(ref[i]);
      }
      break;
    }
    case 'softmax':
      for (let r = 0; r < p.n; r++) {
        let m = -Infinity,
          sum = 0;
        for (let j = 0; j < p.d; j++) m = Math.max(m, x[r * p.d + j]);
        for (let j = 0; j < p.d; j++) sum += Math.exp(x[r * p.d + j] - m);
        for (let j = 0; j < p.d; j++) {
          ref[r * p.d + j] = Math.exp(x[r * p.d + j] - m) / sum;
          scale[r * p.d + j] = ref[r * p.d + j];
        }
      }
      break;
    case 'transpose':
      for (let i = 0; i < p.rows; i++) {
        for (let j = 0; j < p.cols; j++) {
          ref[j * p.rows + i] = x[i * p.cols + j];
          scale[j * p.rows + i] = Math.abs(x[i * p.cols + j]);
        }
      }
      break;
    case 'dot': {
      let s = 0,
        a = 0;
      for (let i = 0; i < p.len; i++) {
        s += x[i] * inp.y![i];
        a += Math.abs(x[i] * inp.y![i]);
      }
      ref[0] = s;
      scale[0] = a;
      break;
    }
    case 'fc': {
      const w = inp.w!,
        b = inp.bias!;
      const acc = new Float64Array(p.out),
        abs = new Float64Array(p.out);
      for (let r = 0; r < p.n; r++) {
        acc.set(Array.from(b, Number));
        for (let j = 0; j < p.out; j++) abs[j] = Math.abs(b[j]);
        for (let i = 0; i < p.in; i++) {
          const xi = x[r * p.in + i];
          if (xi === 0) continue;
          const row = i * p.out;
          for (let j = 0; j < p.out; j++) {
            const t = xi * w[row + j];
            acc[j] += t;
            abs[j] += Math.abs(t);
          }
        }
        ref.set(acc, r * p.out);
        scale.set(abs, r * p.out);
      }
      break;
    }
  }
  return {ref, scale};
}

/** Worst-case rounding bound in units of the scale: u for copies (exact), (terms + 2)·u for sums. */
export function layerTolerance(p: LayerShape, mult = 1): number {
  switch (p.kind) {
    case 'relu':
    case 'maxpool':
    case 'transpose':
      return U32;
    case 'bias':
      return mult * 2 * U32;
    case 'lrn':
    case 'softmax':
      return mult * 16 * U32;
    case 'dot':
      return mult * (p.len + 2) * U32;
    case 'fc':
      return mult * (p.in + 3) * U32;
  }
}

export const layerSpec: OpSpec<LayerShape, LayerInputs, Float32Array> = {
  op: 'layer',
  describe: describeLayer,
  flops: layerFlops,
  macs: (p) => (p.kind === 'fc' ? p.n * p.in * p.out : p.kind === 'dot' ? p.len : 0),
  bytes: layerBytes,
  memoryBytes: (p) => 4 * (2 * inputLength(p) + outputLength(p) + (p.kind === 'fc' ? p.in * p.out : 0)) + 16 * outputLength(p),
  makeInputs: makeLayerInputs,
  check(p, inputs, out, opts = {}): CheckResult {
    const tolerance = layerTolerance(p, opts.toleranceScale ?? 1);
    const len = outputLength(p);
    if (out.length !== len)
      return {
        pass: false,
        method: 'shape',
        error: Infinity,
        tolerance,
        detail: `output has ${out.length} values, expected ${len}`,
      };
    for (let i = 0; i < len; i++) {
      if (!Number.isFinite(out[i]))
        return {pass: false, method: 'finite', error: Infinity, tolerance, detail: `non-finite value ${out[i]} at output ${i}`};
    }
    // A large FC is judged on its first and last rows (every output of each): the reference is O(N·IN·OUT).
    const rows = p.kind === 'fc' && p.n > 2 && p.n * p.in * p.out > FULL_REFERENCE_MACS ? [0, p.n - 1] : undefined;
    const sub =
      rows && p.kind === 'fc'
        ? layerReference(
            {...p, n: rows.length},
            {...inputs, x: Float32Array.from(rows.flatMap((r) => Array.from(inputs.x.subarray(r * p.in, (r + 1) * p.in))))},
          )
        : layerReference(p, inputs);
    const at0 = (i: number) => (rows && p.kind === 'fc' ? rows[Math.floor(i / p.out)] * p.out + (i % p.out) : i);
    const {ref, scale} = sub;
    let worst = 0,
      at = 0;
    for (let j = 0; j < ref.length; j++) {
      const i = at0(j);
      const diff = Math.abs(out[i] - ref[j]);
      const e = diff === 0 ? 0 : diff / Math.max(scale[j], Number.MIN_VALUE);
      if (!(e <= worst)) {
        worst = e;
        at = i;
      }
    }
    const pass = worst <= tolerance;
    return {
      pass,
      method: rows ? 'reference-f64 (first and last rows)' : 'reference-f64',
      error: worst,
      tolerance,
      ...(pass ? {} : {detail: `largest error at output ${at}`}),
    };
  },
};
