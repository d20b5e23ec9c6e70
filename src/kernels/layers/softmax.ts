// Softmax over each row of an N×D matrix, shifted by the row max so exp never overflows.
// Three passes over a row (max, exp+sum, scale); bottleneck: Math.exp.

export function softmaxRows(x: Float32Array, n: number, d: number, out: Float32Array): void {
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let m = -Infinity;
    for (let j = 0; j < d; j++) if (x[o + j] > m) m = x[o + j];
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const e = Math.exp(x[o + j] - m);
      out[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < d; j++) out[o + j] *= inv;
  }
}
