// Max pooling over size×size windows with a stride, no padding, floor mode (PyTorch's default).
// Row-wise: each output row takes the max over `size` input rows; memory-bound (AlexNet's 3×3/2
// windows overlap, so each input is read up to 9 times, mostly from L1).
import {poolOut} from './spec.js';

export function maxPool(x: Float32Array, n: number, c: number, h: number, w: number, size: number, stride: number, out: Float32Array): void {
  const P = poolOut(h, size, stride), Q = poolOut(w, size, stride);
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
