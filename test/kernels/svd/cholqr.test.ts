import {describe, expect, it} from 'vitest';
import {createRng} from '../../../src/core/rng.js';
import type {GemmEngine} from '../../../src/kernels/gemm/engine.js';
import {blockedEngine, gemmEngines} from '../../../src/kernels/gemm/engines.js';
import {choleskyUpper, cholQr, cholQrWorkspace, invertUpper, multiplyUpper} from '../../../src/kernels/svd/cholqr.js';
import {hmtF32, planHmtF32} from '../../../src/kernels/svd/randomized-f32.js';
import {svdShape, svd} from '../../../src/kernels/svd/index.js';
import {checkSvd} from '../../../src/kernels/svd/spec.js';

// Every available engine: the JS blocked one always, the native one when the addon is built.
const engines: GemmEngine[] = gemmEngines.filter((e) => e.id !== 'gemm/openblas' && e.available({threads: 1}).ok);
if (!engines.includes(blockedEngine)) engines.push(blockedEngine);

function randomTall(rows: number, cols: number, seed: number, colScale: (j: number) => number = () => 1): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) x[i * cols + j] = rng.normal() * colScale(j);
  return x;
}

/** max |XᵀX − I| in float64. */
function orthError(x: Float32Array, rows: number, l: number): number {
  let worst = 0;
  for (let a = 0; a < l; a++) {
    for (let b = 0; b < l; b++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += x[i * l + a] * x[i * l + b];
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe('small f64 triangular helpers', () => {
  it('choleskyUpper, invertUpper and multiplyUpper agree with their definitions', () => {
    for (const l of [1, 2, 5, 25]) {
      const rng = createRng(l);
      const b = new Float64Array(l * l).map(() => rng.normal());
      const g = new Float64Array(l * l); // g = bᵀb + I: SPD
      for (let i = 0; i < l; i++)
        for (let j = 0; j < l; j++) {
          let s = i === j ? 1 : 0;
          for (let t = 0; t < l; t++) s += b[t * l + i] * b[t * l + j];
          g[i * l + j] = s;
        }
      const r = new Float64Array(l * l),
        ri = new Float64Array(l * l),
        prod = new Float64Array(l * l);
      expect(choleskyUpper(g, l, r)).toBeGreaterThan(0);
      for (let i = 0; i < l; i++)
        for (let j = 0; j < l; j++) {
          let s = 0;
          for (let t = 0; t < l; t++) s += r[t * l + i] * r[t * l + j];
          expect(Math.abs(s - g[i * l + j])).toBeLessThan(1e-10 * (1 + Math.abs(g[i * l + j])));
          if (i > j) expect(r[i * l + j]).toBe(0);
        }
      invertUpper(r, l, ri);
      multiplyUpper(r, ri, l, prod);
      for (let i = 0; i < l; i++)
        for (let j = 0; j < l; j++) expect(Math.abs(prod[i * l + j] - (i === j ? 1 : 0))).toBeLessThan(1e-9);
    }
  });
  it('choleskyUpper reports a non-positive pivot', () => {
    const g = Float64Array.from([1, 1, 1, 1]); // singular
    expect(choleskyUpper(g, 2, new Float64Array(4))).toBe(-1);
  });
});

describe.each(engines.map((e) => [e.id, e] as const))('CholeskyQR on %s', (_id, engine) => {
  for (const [rows, l] of [
    [1, 1],
    [7, 7],
    [60, 5],
    [1000, 25],
    [333, 32],
  ] as const) {
    it(`orthonormalizes a ${rows}x${l} f32 matrix and accumulates R with X = Q·R`, async () => {
      const exec = await engine.create({threads: 1});
      const x0 = randomTall(rows, l, rows + l);
      const x = Float32Array.from(x0);
      const ws = cholQrWorkspace(rows, l);
      expect(await cholQr(exec, x, rows, ws, true)).toBe(true);
      expect(orthError(x, rows, l)).toBeLessThan(20 * rows * 2 ** -24);
      let worst = 0,
        scale = 0;
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < l; j++) {
          let s = 0;
          for (let t = 0; t <= j; t++) s += x[i * l + t] * ws.racc[t * l + j];
          worst = Math.max(worst, Math.abs(s - x0[i * l + j]));
          scale = Math.max(scale, Math.abs(x0[i * l + j]));
        }
      expect(worst / scale).toBeLessThan(1e-4);
    });
  }
  it('copes with condition number 1e5 (the shifted first pass) and reports rank deficiency', async () => {
    const exec = await engine.create({threads: 1});
    const rows = 400,
      l = 12;
    const x = randomTall(rows, l, 3, (j) => 10 ** ((-5 * j) / (l - 1)));
    const ws = cholQrWorkspace(rows, l);
    expect(await cholQr(exec, x, rows, ws)).toBe(true);
    expect(orthError(x, rows, l)).toBeLessThan(20 * rows * 2 ** -24);
    const dup = randomTall(rows, l, 4);
    for (let i = 0; i < rows; i++) dup[i * l + 5] = dup[i * l + 2]; // two equal columns
    expect(await cholQr(exec, dup, rows, ws)).toBe(false);
    expect(await cholQr(exec, new Float32Array(rows * l), rows, ws)).toBe(false);
  });
  it('the planned f32 randomized SVD passes the SVD check, rank-deficient inputs included', async () => {
    const exec = await engine.create({threads: 1});
    for (const p of [
      svdShape(200, 150, {rank: 10}),
      svdShape(90, 240, {rank: 8, matrix: 'decay'}),
      svdShape(120, 90, {rank: 40, matrix: 'deficient'}),
      svdShape(30, 30, {rank: 30, matrix: 'image'}),
    ]) {
      const inputs = svd.spec.makeInputs(p, 5);
      const plan = planHmtF32(p.m, p.n, p.rank, p.oversample, p.power);
      const out = await hmtF32(exec, plan, inputs.a as Float32Array, 9);
      const check = checkSvd(p, inputs, out);
      expect(check.pass, `${svd.spec.describe(p)}: ${check.detail}`).toBe(true);
      // A second run on the same plan gives the same factors (nothing left over from the first).
      const u0 = Float32Array.from(out.u);
      const again = await hmtF32(exec, plan, inputs.a as Float32Array, 9);
      expect(Array.from(again.u)).toEqual(Array.from(u0));
    }
  });
});
