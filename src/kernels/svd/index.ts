// The SVD op: its spec, the ladder (full, then randomized), its size syntax, edge shapes and presets.
// A shape token is MxN (or N) with optional -r<rank> -p<oversample> -q<power> -f32|-f64 -<matrix>;
// `dlbench svd` builds the same tokens from its flags.
import {UsageError} from '../../core/errors.js';
import {parseDims, parsePositiveInt} from '../../core/sizes.js';
import type {OpDefinition} from '../../core/types.js';
import {full} from './full.js';
import {MATRIX_KINDS, type MatrixKind} from './matrices.js';
import {randomized} from './randomized.js';
import {defaultPower, svdSpec, type SvdDtype, type SvdInputs, type SvdOutput, type SvdShape} from './spec.js';

export const SVD_SIZE_SYNTAX = `MxN or N, then optional -r<rank> -p<oversample> -q<power iterations> -f32|-f64 -<matrix: ${MATRIX_KINDS.join('|')}>, e.g. 1500x2500-r15-f64`;

export const DEFAULT_RANK = 15;
export const DEFAULT_OVERSAMPLE = 10;

export interface SvdShapeOptions {
  rank?: number;
  oversample?: number;
  power?: number;
  dtype?: SvdDtype;
  matrix?: MatrixKind;
}

/** A shape with the defaults filled in: rank 15, p = 10, q as scikit-learn, f32, low-rank + noise. */
export function svdShape(m: number, n: number, o: SvdShapeOptions = {}): SvdShape {
  const rank = o.rank ?? DEFAULT_RANK;
  return {
    m,
    n,
    rank,
    oversample: o.oversample ?? DEFAULT_OVERSAMPLE,
    power: o.power ?? defaultPower(rank, m, n),
    dtype: o.dtype ?? 'f32',
    matrix: o.matrix ?? 'lowrank',
  };
}

export function parseSvdShape(token: string, flag = '--size'): SvdShape {
  const [dims, ...opts] = token.trim().toLowerCase().split('-');
  const [m, n] = parseDims(dims, 2, flag, SVD_SIZE_SYNTAX);
  const o: SvdShapeOptions = {};
  const count = (text: string): number => {
    if (!/^\d+$/.test(text))
      throw new UsageError(`${flag}: '${token}' has a malformed count '${text}'. Valid: ${SVD_SIZE_SYNTAX}`);
    return Number(text);
  };
  for (const part of opts) {
    if (part === 'f32' || part === 'f64') o.dtype = part;
    else if ((MATRIX_KINDS as readonly string[]).includes(part)) o.matrix = part as MatrixKind;
    else if (/^r/.test(part)) o.rank = parsePositiveInt(part.slice(1), flag);
    else if (/^p/.test(part)) o.oversample = count(part.slice(1));
    else if (/^q/.test(part)) o.power = count(part.slice(1));
    else throw new UsageError(`${flag}: unknown part '${part}' in '${token}'. Valid: ${SVD_SIZE_SYNTAX}`);
  }
  return svdShape(m, n, o);
}

const s = (m: number, n: number, o: SvdShapeOptions = {}): SvdShape => svdShape(m, n, o);

export const svd: OpDefinition<SvdShape, SvdInputs, SvdOutput> = {
  name: 'svd',
  spec: svdSpec,
  variants: [full, randomized],
  parseShape: (token) => parseSvdShape(token),
  edgeShapes: [
    s(1, 1, {rank: 1}),
    s(1, 7, {rank: 1}),
    s(7, 1, {rank: 3}),
    s(2, 2, {rank: 1, dtype: 'f64'}),
    // Tall and wide, both dtypes.
    s(60, 7, {rank: 3}),
    s(7, 60, {rank: 3, dtype: 'f64'}),
    s(97, 31, {rank: 5, dtype: 'f64', matrix: 'decay'}),
    s(31, 97, {rank: 5, matrix: 'decay'}),
    // Rank at or above min(m, n); k + p above min(m, n).
    s(9, 6, {rank: 10}),
    s(12, 12, {rank: 12, dtype: 'f64'}),
    s(20, 30, {rank: 15}),
    // Rank-deficient inputs (exact zeros in the spectrum).
    s(40, 30, {rank: 5, matrix: 'deficient'}),
    s(30, 45, {rank: 20, dtype: 'f64', matrix: 'deficient'}),
    s(64, 80, {rank: 15, matrix: 'image'}),
    s(50, 50, {rank: 49, dtype: 'f64', matrix: 'image'}),
    // No power iterations, minimal oversampling: the weakest randomized setting.
    s(120, 90, {rank: 5, oversample: 2, power: 0, matrix: 'decay'}),
    s(100, 100, {rank: 10, oversample: 0, power: 1, dtype: 'f64'}),
    s(150, 130, {rank: 15}),
  ],
  presets: {
    quick: [s(256, 192, {rank: 10, dtype: 'f64'}), s(400, 300, {matrix: 'decay'})],
    standard: [
      s(500, 500),
      s(1000, 1000),
      s(1000, 1000, {dtype: 'f64'}),
      s(2000, 500, {rank: 20, matrix: 'decay'}),
      s(1500, 2500),
      s(1000, 1000, {matrix: 'image'}),
    ],
    // The seed slide: np.linalg.svd vs sklearn's randomized_svd, r = 15 (numpy works in f64).
    slide: [s(1000, 1000), s(1000, 1000, {dtype: 'f64'})],
  },
};
