// Max pooling over size×size windows with a stride, no padding, floor mode (PyTorch's default).
// Row-wise: each output row takes the max over `size` input rows; memory-bound (AlexNet's 3×3/2
// windows overlap, so each input is read up to 9 times, mostly from L1). NHWC: per output pixel, the
// window's taps are whole channel rows, max-ed element-wise into the output row (unit stride, no
// per-channel loop setup; the row of C values stays in L1).
import {poolOut} from './spec.js';

export function maxPool(
  x: Float32Array,
  n: number,
  c: number,
  h: number,
  w: number,
  size: number,
  stride: number,
  out: Float32Array,
): void {
  const P = poolOut(h, size, stride),
    Q = poolOut(w, size, stride);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let py = 0; py < P; py++) {
      for (let qx = 0; qx < Q; qx++) {
        let m = -Infinity;
        for (let r = 0; r < size; r++) {
          const row = base + (py * stride + r) * w + qx * stride;
          for (let s = 0; s < size; s++) {
            const v = x[row + s];
            if (v > m) m = v;
          }
        }
        out[o++] = m;
      }
    }
  }
}

/** NHWC max-pool: the first tap's channel row seeds the output row, the other taps max into it. */
export function maxPoolNhwc(
  x: Float32Array,
  n: number,
  c: number,
  h: number,
  w: number,
  size: number,
  stride: number,
  out: Float32Array,
): void {
  const P = poolOut(h, size, stride),
    Q = poolOut(w, size, stride);
  let o = 0;
  for (let img = 0; img < n; img++) {
    for (let py = 0; py < P; py++) {
      for (let qx = 0; qx < Q; qx++, o += c) {
        const first = ((img * h + py * stride) * w + qx * stride) * c;
        for (let ch = 0; ch < c; ch++) out[o + ch] = x[first + ch];
        for (let r = 0; r < size; r++) {
          for (let s = r === 0 ? 1 : 0; s < size; s++) {
            const t = ((img * h + py * stride + r) * w + qx * stride + s) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[t + ch];
              if (v > out[o + ch]) out[o + ch] = v;
            }
          }
        }
      }
    }
  }
}
