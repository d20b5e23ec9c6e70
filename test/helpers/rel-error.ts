// Comparing two network outputs in tests.
/** The largest |a − b| over the largest |b|: a relative error that ignores where b is near zero. */
export function relWorst(a: Float32Array, b: Float32Array): number {
  let worst = 0,
    norm = 0;
  for (let i = 0; i < b.length; i++) norm = Math.max(norm, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / norm);
  return worst;
}
