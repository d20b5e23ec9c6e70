// Native im2col (exported for the conv2d rung) against a plain JS reference of the documented
// layouts: NCHW → (C·R·S) × (P·Q), NHWC → (P·Q) × (R·S·C), zeros in the padding.
import {describe, expect, it} from 'vitest';
import {createRng, fillUniform} from '../../src/core/rng.js';
import {convOutputSize, im2colNchw, im2colNhwc, type ConvGeometry} from '../../src/native/loader.js';

function full(g: ConvGeometry): Required<ConvGeometry> {
  return {strideH: 1, strideW: 1, padH: 0, padW: 0, dilH: 1, dilW: 1, ...g};
}

function refNchw(x: Float32Array, g0: ConvGeometry): Float32Array {
  const g = full(g0);
  const {P, Q} = convOutputSize(g);
  const out = new Float32Array(g.C * g.R * g.S * P * Q);
  for (let c = 0; c < g.C; c++)
    for (let r = 0; r < g.R; r++)
      for (let s = 0; s < g.S; s++) {
        for (let p = 0; p < P; p++)
          for (let q = 0; q < Q; q++) {
            const h = p * g.strideH - g.padH + r * g.dilH,
              w = q * g.strideW - g.padW + s * g.dilW;
            const inside = h >= 0 && h < g.H && w >= 0 && w < g.W;
            out[((c * g.R + r) * g.S + s) * P * Q + p * Q + q] = inside ? x[(c * g.H + h) * g.W + w] : 0;
          }
      }
  return out;
}

function refNhwc(x: Float32Array, g0: ConvGeometry): Float32Array {
  const g = full(g0);
  const {P, Q} = convOutputSize(g);
  const out = new Float32Array(P * Q * g.R * g.S * g.C);
  for (let p = 0; p < P; p++)
    for (let q = 0; q < Q; q++)
      for (let r = 0; r < g.R; r++)
        for (let s = 0; s < g.S; s++) {
          for (let c = 0; c < g.C; c++) {
            const h = p * g.strideH - g.padH + r * g.dilH,
              w = q * g.strideW - g.padW + s * g.dilW;
            const inside = h >= 0 && h < g.H && w >= 0 && w < g.W;
            out[(p * Q + q) * g.R * g.S * g.C + (r * g.S + s) * g.C + c] = inside ? x[(h * g.W + w) * g.C + c] : 0;
          }
        }
  return out;
}

const geometries: [string, ConvGeometry][] = [
  ['3x3 same padding', {C: 3, H: 7, W: 6, R: 3, S: 3, padH: 1, padW: 1}],
  ['1x1', {C: 5, H: 4, W: 4, R: 1, S: 1}],
  ['AlexNet conv1-like: 11x11 stride 4', {C: 3, H: 35, W: 35, R: 11, S: 11, strideH: 4, strideW: 4, padH: 2, padW: 2}],
  [
    'dilated 3x3, rectangular, uneven strides',
    {C: 2, H: 9, W: 13, R: 3, S: 2, strideH: 2, strideW: 3, padH: 2, padW: 1, dilH: 2, dilW: 3},
  ],
  ['filter as large as the padded input', {C: 1, H: 3, W: 3, R: 5, S: 5, padH: 1, padW: 1}],
];

describe('native im2col', () => {
  for (const [name, g0] of geometries) {
    it(`NCHW and NHWC: ${name}`, () => {
      const g = full(g0);
      const x = new Float32Array(g.C * g.H * g.W);
      fillUniform(x, createRng(9));
      const {P, Q} = convOutputSize(g);
      const size = g.C * g.R * g.S * P * Q;
      const outN = new Float32Array(size).fill(NaN);
      expect(im2colNchw(x, g.C, g.H, g.W, g.R, g.S, g.strideH, g.strideW, g.padH, g.padW, g.dilH, g.dilW, outN)).toEqual({P, Q});
      expect(outN).toEqual(refNchw(x, g));
      const outH = new Float32Array(size).fill(NaN);
      expect(im2colNhwc(x, g.C, g.H, g.W, g.R, g.S, g.strideH, g.strideW, g.padH, g.padW, g.dilH, g.dilW, outH)).toEqual({P, Q});
      expect(outH).toEqual(refNhwc(x, g));
    });
  }

  // Above 256 K written values the unfolding is split over the threads (NCHW by channel, NHWC by output row).
  for (const threads of [2, 3]) {
    it(`split over ${threads} threads: AlexNet's conv1 and a padded 3×3 layer equal the reference`, () => {
      for (const g0 of [
        {C: 3, H: 224, W: 224, R: 11, S: 11, strideH: 4, strideW: 4, padH: 2, padW: 2},
        {C: 9, H: 61, W: 59, R: 3, S: 3, padH: 1, padW: 1},
      ]) {
        const g = full(g0);
        const x = new Float32Array(g.C * g.H * g.W);
        fillUniform(x, createRng(4));
        const {P, Q} = convOutputSize(g);
        const size = g.C * g.R * g.S * P * Q;
        expect(size).toBeGreaterThan(1 << 18);
        const outN = new Float32Array(size).fill(NaN),
          outH = new Float32Array(size).fill(NaN);
        im2colNchw(x, g.C, g.H, g.W, g.R, g.S, g.strideH, g.strideW, g.padH, g.padW, g.dilH, g.dilW, outN, threads);
        im2colNhwc(x, g.C, g.H, g.W, g.R, g.S, g.strideH, g.strideW, g.padH, g.padW, g.dilH, g.dilW, outH, threads);
        // Byte comparison: toEqual on a million elements takes seconds.
        const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
        expect(same(outN, refNchw(x, g))).toBe(true);
        expect(same(outH, refNhwc(x, g))).toBe(true);
      }
    });
  }

  it('refuses an output buffer that is too short, and a filter larger than the padded input', () => {
    const x = new Float32Array(2 * 5 * 5);
    expect(() => im2colNchw(x, 2, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1, new Float32Array(10))).toThrow(/output shorter/);
    expect(() => im2colNhwc(x, 2, 5, 5, 7, 3, 1, 1, 0, 0, 1, 1, new Float32Array(1000))).toThrow(/filter larger/);
  });
});
