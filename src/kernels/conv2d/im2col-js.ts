// im2col in JavaScript: unfolds one image into the patch matrix a GEMM multiplies by the filters.
// NCHW → (C·R·S)×(P·Q) row-major (Caffe's layout: a row per filter tap, a column per output pixel);
// NHWC → (P·Q)×(R·S·C) row-major (TensorFlow's: a row per patch, channels innermost).
// Memory-bound copy; `activeIm2col` is the one seam where the native addon's im2col plugs in.
import {im2colNchw, im2colNhwc, loadNative} from '../../native/loader.js';
import {outDims, type ConvShape} from './spec.js';

export interface Im2colImpl {
  /** 'js' or 'native': recorded in results so a reader knows which unfolding ran. */
  name: string;
  /** Unfolds image x[xOffset…] (NCHW) into col, (C·R·S)×(P·Q) row-major; `threads` is a hint (native splits large ones). */
  nchw(x: Float32Array, xOffset: number, p: ConvShape, col: Float32Array, threads?: number): void;
  /** Unfolds image x[xOffset…] (NHWC) into col, (P·Q)×(R·S·C) row-major. */
  nhwc(x: Float32Array, xOffset: number, p: ConvShape, col: Float32Array, threads?: number): void;
}

function im2colNchwJs(x: Float32Array, xOffset: number, p: ConvShape, col: Float32Array): void {
  const {P, Q} = outDims(p);
  const {h: H, w: W, r: R, s: S, stride, pad, dilation: dil} = p;
  let o = 0;
  for (let c = 0; c < p.c; c++) {
    const plane = xOffset + c * H * W;
    for (let r = 0; r < R; r++) {
      for (let s = 0; s < S; s++) {
        // Output columns whose tap lands inside the row: ox in [lo, hi).
        const off = s * dil - pad;
        const lo = Math.min(Q, Math.max(0, Math.ceil(-off / stride)));
        const hi = Math.max(lo, Math.min(Q, Math.floor((W - 1 - off) / stride) + 1));
        for (let oy = 0; oy < P; oy++) {
          const y = oy * stride - pad + r * dil;
          if (y < 0 || y >= H) {
            col.fill(0, o, o + Q);
          } else {
            const row = plane + y * W + off;
            if (lo > 0) col.fill(0, o, o + lo);
            if (stride === 1) {
              col.set(x.subarray(row + lo, row + hi), o + lo);
            } else {
              for (let ox = lo; ox < hi; ox++) col[o + ox] = x[row + ox * stride];
            }
            if (hi < Q) col.fill(0, o + hi, o + Q);
          }
          o += Q;
        }
      }
    }
  }
}

function im2colNhwcJs(x: Float32Array, xOffset: number, p: ConvShape, col: Float32Array): void {
  const {P, Q} = outDims(p);
  const {h: H, w: W, r: R, s: S, c: C, stride, pad, dilation: dil} = p;
  let o = 0;
  for (let oy = 0; oy < P; oy++) {
    for (let ox = 0; ox < Q; ox++) {
      for (let r = 0; r < R; r++) {
        const y = oy * stride - pad + r * dil;
        for (let s = 0; s < S; s++) {
          const xx = ox * stride - pad + s * dil;
          if (y < 0 || y >= H || xx < 0 || xx >= W) {
            col.fill(0, o, o + C);
          } else {
            const at = xOffset + (y * W + xx) * C;
            col.set(x.subarray(at, at + C), o);
          }
          o += C;
        }
      }
    }
  }
}

export const jsIm2col: Im2colImpl = {name: 'js', nchw: im2colNchwJs, nhwc: im2colNhwcJs};

/** The native addon's im2col signature (src/native/loader.ts): one image at offset 0, geometry spelled out. */
export type NativeIm2colFn = (
  input: Float32Array,
  C: number,
  H: number,
  W: number,
  R: number,
  S: number,
  strideH: number,
  strideW: number,
  padH: number,
  padW: number,
  dilH: number,
  dilW: number,
  out: Float32Array,
  threads?: number,
) => unknown;

/** Adapts the addon's im2colNchw/im2colNhwc to Im2colImpl (a subarray view, no copy, selects the image). */
export function nativeIm2col(fns: {im2colNchw: NativeIm2colFn; im2colNhwc: NativeIm2colFn}): Im2colImpl {
  const call =
    (fn: NativeIm2colFn) =>
    (x: Float32Array, xOffset: number, p: ConvShape, col: Float32Array, threads = 1): void => {
      fn(
        x.subarray(xOffset, xOffset + p.c * p.h * p.w),
        p.c,
        p.h,
        p.w,
        p.r,
        p.s,
        p.stride,
        p.stride,
        p.pad,
        p.pad,
        p.dilation,
        p.dilation,
        col,
        threads,
      );
    };
  return {name: 'native', nchw: call(fns.im2colNchw), nhwc: call(fns.im2colNhwc)};
}

/** The im2col every im2col-<gemm> variant uses: the native addon's when it loaded, else JS. */
export function activeIm2col(): Im2colImpl {
  return loadNative().ok ? nativeIm2col({im2colNchw, im2colNhwc}) : jsIm2col;
}
