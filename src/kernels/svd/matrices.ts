// Test matrices with an exactly known spectrum, generated from the seed in O(mn) time, so the
// optimal rank-k error (Eckart–Young: the tail of the spectrum) is known without a full SVD.
// lowrank, decay, deficient: A = H_U·D·H_Vᵀ, D holding the singular values at random positions
// and H_U, H_V products of four random Householder reflectors (exactly orthogonal).
// image: a smooth picture, a sum of separable low-frequency cosines (orthonormal DCT-II vectors).
import {UsageError} from '../../core/errors.js';
import {createRng, deriveSeed, type Rng} from '../../core/rng.js';

export const MATRIX_KINDS = ['lowrank', 'decay', 'image', 'deficient'] as const;
export type MatrixKind = (typeof MATRIX_KINDS)[number];

export const MATRIX_DESCRIPTIONS: Record<MatrixKind, string> = {
  lowrank: 'rank-10 signal (σ 10→1) plus a flat noise floor (σ ≈ 0.05)',
  decay: 'slowly decaying spectrum σᵢ = 1/√(i+1)',
  image: 'smooth image-like: 48 separable low-frequency cosines, σᵢ = e^(−i/6) (rank ≤ 48)',
  deficient: 'exactly rank ⌈min(m,n)/3⌉, σᵢ = 1/(i+1), zeros after',
};

export function parseMatrixKind(text: string, flag = '--matrix'): MatrixKind {
  if (!(MATRIX_KINDS as readonly string[]).includes(text)) {
    throw new UsageError(`${flag}: unknown test matrix '${text}'. Valid: ${MATRIX_KINDS.join(', ')}`);
  }
  return text as MatrixKind;
}

export interface TestMatrix {
  /** m×n row-major, float64. */
  a: Float64Array;
  /** All min(m, n) singular values, descending. */
  sigma: Float64Array;
}

const REFLECTORS = 4;
const IMAGE_TERMS = 48;

export function spectrum(kind: MatrixKind, r: number): Float64Array {
  const s = new Float64Array(r);
  const signal = Math.min(10, r);
  for (let i = 0; i < r; i++) {
    switch (kind) {
      case 'lowrank':
        s[i] = i < signal ? 10 - (9 * i) / signal : 0.05 * (1 - (0.5 * i) / r);
        break;
      case 'decay':
        s[i] = 1 / Math.sqrt(i + 1);
        break;
      case 'image':
        s[i] = i < IMAGE_TERMS ? Math.exp(-i / 6) : 0;
        break;
      case 'deficient':
        s[i] = i < Math.ceil(r / 3) ? 1 / (i + 1) : 0;
        break;
    }
  }
  return s;
}

export function makeTestMatrix(kind: MatrixKind, m: number, n: number, seed: number): TestMatrix {
  const r = Math.min(m, n);
  const sigma = spectrum(kind, r);
  const rng = createRng(deriveSeed(seed, 11));
  const a = kind === 'image' ? cosineImage(m, n, sigma, rng) : mixedDiagonal(m, n, sigma, rng);
  return {a, sigma};
}

function permutation(len: number, rng: Rng): number[] {
  const p = Array.from({length: len}, (_, i) => i);
  for (let i = len - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

function mixedDiagonal(m: number, n: number, sigma: Float64Array, rng: Rng): Float64Array {
  const a = new Float64Array(m * n);
  const rows = permutation(m, rng),
    cols = permutation(n, rng);
  for (let i = 0; i < sigma.length; i++) a[rows[i] * n + cols[i]] = sigma[i];
  const w = new Float64Array(Math.max(m, n));
  const acc = new Float64Array(n);
  for (let t = 0; t < REFLECTORS; t++) {
    // Left: A ← (I − 2wwᵀ)A with w a random unit m-vector.
    if (randomUnit(w, m, rng)) {
      acc.fill(0);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) acc[j] += w[i] * a[i * n + j];
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) a[i * n + j] -= 2 * w[i] * acc[j];
    }
    // Right: A ← A(I − 2wwᵀ) with w a random unit n-vector.
    if (randomUnit(w, n, rng)) {
      for (let i = 0; i < m; i++) {
        let d = 0;
        for (let j = 0; j < n; j++) d += a[i * n + j] * w[j];
        for (let j = 0; j < n; j++) a[i * n + j] -= 2 * d * w[j];
      }
    }
  }
  return a;
}

/** Fills w[0..len) with a random unit vector; false for len 1 (a reflector would only flip a sign). */
function randomUnit(w: Float64Array, len: number, rng: Rng): boolean {
  if (len < 2) return false;
  let s = 0;
  for (let i = 0; i < len; i++) {
    w[i] = rng.normal();
    s += w[i] * w[i];
  }
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < len; i++) w[i] *= inv;
  return true;
}

/** Orthonormal DCT-II basis vector of frequency f and length len. */
function cosine(f: number, len: number, out: Float64Array): void {
  const scale = Math.sqrt((f === 0 ? 1 : 2) / len);
  for (let x = 0; x < len; x++) out[x] = scale * Math.cos((Math.PI * (x + 0.5) * f) / len);
}

function cosineImage(m: number, n: number, sigma: Float64Array, rng: Rng): Float64Array {
  const a = new Float64Array(m * n);
  const terms = Math.min(IMAGE_TERMS, sigma.length);
  // Distinct frequencies on each side keep the cosine vectors orthonormal; frequency 0 (the mean
  // brightness) carries the largest singular value, as in a real picture.
  const fr = [0, ...permutation(terms - 1, rng).map((f) => f + 1)];
  const fc = [0, ...permutation(terms - 1, rng).map((f) => f + 1)];
  const cu = new Float64Array(m),
    cv = new Float64Array(n);
  for (let t = 0; t < terms; t++) {
    cosine(fr[t], m, cu);
    cosine(fc[t], n, cv);
    for (let i = 0; i < m; i++) {
      const f = sigma[t] * cu[i];
      for (let j = 0; j < n; j++) a[i * n + j] += f * cv[j];
    }
  }
  return a;
}
