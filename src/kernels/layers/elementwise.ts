// Element-wise layers: ReLU, bias add by broadcasting over N and H·W (NCHW: one bias per plane;
// NHWC: the C biases repeat along every pixel's channel row), and the identity (dropout at
// inference, flatten of a contiguous tensor). One read and one write per value: memory-bound.

/** Branch-free: (v + |v|)/2 is exact (doubling and halving) and random signs don't mispredict. */
export function relu(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = (v + Math.abs(v)) * 0.5;
  }
}

/** out[n, c, i] = x[n, c, i] + bias[c] (NCHW, hw values per plane). */
export function biasAddNchw(x: Float32Array, bias: Float32Array, n: number, c: number, hw: number, out: Float32Array): void {
  for (let img = 0; img < n; img++) {
    for (let ch = 0; ch < c; ch++) {
      const b = bias[ch],
        o = (img * c + ch) * hw;
      for (let i = 0; i < hw; i++) out[o + i] = x[o + i] + b;
    }
  }
}

/** out[pixel, c] = x[pixel, c] + bias[c] (NHWC: C values per pixel, `pixels` = N·H·W of them). */
export function biasAddNhwc(x: Float32Array, bias: Float32Array, pixels: number, c: number, out: Float32Array): void {
  for (let px = 0, o = 0; px < pixels; px++, o += c) {
    for (let ch = 0; ch < c; ch++) out[o + ch] = x[o + ch] + bias[ch];
  }
}
