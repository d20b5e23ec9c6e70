// Local response normalization across channels (AlexNet 2012, §3.3): b_c = a_c / (k + α/n·Σ a_c'²)^β
// over the n channels around c. A sliding window over channels keeps a running sum of squares, O(1)
// per output: per pixel plane in NCHW, along each pixel's contiguous channel row in NHWC (one scalar).
// Bottleneck: the power; for the paper's β = 3/4, t^β = √t·√√t (far cheaper than Math.pow,
// within an ulp in float64).

/** The paper's values (n=5, α=1e-4, β=0.75, k=2); α is divided by n as Caffe and PyTorch do. */
export const LRN_DEFAULTS = {size: 5, alpha: 1e-4, beta: 0.75, k: 2};

/** t^β for t > 0: square roots for β = 3/4, Math.pow otherwise. */
function powBeta(t: number, beta: number): number {
  if (beta === 0.75) {
    const r = Math.sqrt(t);
    return r * Math.sqrt(r);
  }
  return Math.pow(t, beta);
}

export function lrnAcrossChannels(x: Float32Array, n: number, c: number, hw: number, out: Float32Array): void {
  const {size, alpha, beta, k} = LRN_DEFAULTS;
  const half = size >> 1;
  const sq = new Float64Array(hw);
  for (let img = 0; img < n; img++) {
    const base = img * c * hw;
    sq.fill(0);
    for (let cc = 0; cc < Math.min(c, half); cc++) {
      for (let i = 0; i < hw; i++) sq[i] += x[base + cc * hw + i] ** 2;
    }
    for (let ch = 0; ch < c; ch++) {
      const enter = ch + half,
        leave = ch - half - 1;
      if (enter < c) for (let i = 0; i < hw; i++) sq[i] += x[base + enter * hw + i] ** 2;
      if (leave >= 0) for (let i = 0; i < hw; i++) sq[i] -= x[base + leave * hw + i] ** 2;
      const o = base + ch * hw;
      for (let i = 0; i < hw; i++) out[o + i] = x[o + i] / powBeta(k + (alpha / size) * Math.max(sq[i], 0), beta);
    }
  }
}

/** The same normalization on NHWC data: `pixels` = N·H·W rows of C channels each. */
export function lrnAcrossChannelsNhwc(x: Float32Array, pixels: number, c: number, out: Float32Array): void {
  const {size, alpha, beta, k} = LRN_DEFAULTS;
  const half = size >> 1,
    a = alpha / size;
  for (let px = 0, base = 0; px < pixels; px++, base += c) {
    let sq = 0;
    for (let cc = 0; cc < Math.min(c, half); cc++) sq += x[base + cc] ** 2;
    for (let ch = 0; ch < c; ch++) {
      const enter = ch + half,
        leave = ch - half - 1;
      if (enter < c) sq += x[base + enter] ** 2;
      if (leave >= 0) sq -= x[base + leave] ** 2;
      out[base + ch] = x[base + ch] / powBeta(k + a * Math.max(sq, 0), beta);
    }
  }
}
