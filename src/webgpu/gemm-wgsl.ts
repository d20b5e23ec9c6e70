// WGSL sources of the GPU GEMM ladder (row-major fp32, C = A·B, batched over workgroup z).
// naive: one invocation per C element, K-loop straight from storage buffers.
// tiled: a 16×16 workgroup stages T×T tiles of A and B in workgroup memory, so each global
//   element is read T times less; bottleneck: the barrier per tile and one FMA per shared load.
// regblocked: each invocation owns a TM×TN register tile and reads A and B as vec4, so every
//   loaded vec4 of B feeds TM FMAs and every A element TN; inputs are zero-padded so the K loop
//   never branches. Bottleneck: FMA issue once the tile is big enough to hide the loads.

/** Uniform block shared by all three kernels (u32 fields; see each kernel for units). Operand X of
 * batch item z starts at offX + z·strideX (batched GEMM: the GPU convolution uses it). */
export const PARAM_FIELDS = [
  'm',
  'n',
  'k',
  'lda',
  'ldb',
  'ldc',
  'strideA',
  'strideB',
  'strideC',
  'offA',
  'offB',
  'offC',
] as const;
export type GemmParams = Record<(typeof PARAM_FIELDS)[number], number>;
const PARAMS_STRUCT = `struct Params { ${PARAM_FIELDS.map((f) => `${f}: u32,`).join(' ')} }`;

export function naiveWgsl(wx: number, wy: number): string {
  return /* wgsl */ `
${PARAMS_STRUCT}
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(${wx}, ${wy})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x;
  let row = gid.y;
  if (row >= P.m || col >= P.n) { return; }
  let a0 = P.offA + gid.z * P.strideA + row * P.lda;
  let b0 = P.offB + gid.z * P.strideB + col;
  var acc = 0.0;
  for (var k = 0u; k < P.k; k++) {
    acc = fma(A[a0 + k], B[b0 + k * P.ldb], acc);
  }
  C[P.offC + gid.z * P.strideC + row * P.ldc + col] = acc;
}`;
}

export function tiledWgsl(t: number): string {
  return /* wgsl */ `
${PARAMS_STRUCT}
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;
var<workgroup> As: array<array<f32, ${t}>, ${t}>;
var<workgroup> Bs: array<array<f32, ${t}>, ${t}>;

@compute @workgroup_size(${t}, ${t})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let col = gid.x;
  let row = gid.y;
  let a0 = P.offA + gid.z * P.strideA;
  let b0 = P.offB + gid.z * P.strideB;
  var acc = 0.0;
  // Every invocation takes part in every barrier, even outside C: bounds only guard memory.
  for (var k0 = 0u; k0 < P.k; k0 += ${t}u) {
    let ka = k0 + lid.x;
    let kb = k0 + lid.y;
    As[lid.y][lid.x] = select(0.0, A[a0 + row * P.lda + ka], row < P.m && ka < P.k);
    Bs[lid.y][lid.x] = select(0.0, B[b0 + kb * P.ldb + col], kb < P.k && col < P.n);
    workgroupBarrier();
    for (var kk = 0u; kk < ${t}u; kk++) {
      acc = fma(As[lid.y][kk], Bs[kk][lid.x], acc);
    }
    workgroupBarrier();
  }
  if (row < P.m && col < P.n) {
    C[P.offC + gid.z * P.strideC + row * P.ldc + col] = acc;
  }
}`;
}

export interface RegTile {
  /** Rows of C per invocation. */
  tm: number;
  /** Columns of C per invocation (a multiple of 4: vec4 lanes). */
  tn: number;
  /** Workgroup size (x along N, y along M). */
  wx: number;
  wy: number;
}

/**
 * Register-blocked kernel. Units: lda/ldb/strideA/strideB in vec4s; k is K rounded up to 4, in
 * vec4s; A has ⌈M/TM⌉·TM zero-padded rows, B ⌈N/TN⌉·TN zero-padded columns and 4·k rows.
 * ldc/strideC/m/n are in floats (C is written exactly, no padding).
 */
export function regblockedWgsl({tm, tn, wx, wy}: RegTile): string {
  const nv = tn / 4; // vec4 columns per invocation
  const I = [...Array(tm).keys()];
  const J = [...Array(nv).keys()];
  const L = [0, 1, 2, 3];
  const lane = ['x', 'y', 'z', 'w'];
  const decl = I.flatMap((i) => J.map((j) => `  var c${i}_${j} = vec4<f32>();`)).join('\n');
  const loadB = L.flatMap((l) => J.map((j) => `    let b${l}_${j} = B[bk + ${l}u * P.ldb + ${j}u];`)).join('\n');
  const body = I.map((i) =>
    [
      `    let a${i} = A[ar + ${i}u * P.lda + k4];`,
      ...J.map(
        (j) => `    c${i}_${j} = ${L.reduce((acc, l) => `fma(vec4<f32>(a${i}.${lane[l]}), b${l}_${j}, ${acc})`, `c${i}_${j}`)};`,
      ),
    ].join('\n'),
  ).join('\n');
  const store = I.map(
    (i) => `  if (row + ${i}u < P.m) {
${J.map((j) => L.map((l) => `    if (col + ${4 * j + l}u < P.n) { C[cr + ${i}u * P.ldc + ${4 * j + l}u] = c${i}_${j}.${lane[l]}; }`).join('\n')).join('\n')}
  }`,
  ).join('\n');
  return /* wgsl */ `
${PARAMS_STRUCT}
@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(${wx}, ${wy})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.y * ${tm}u;
  let col = gid.x * ${tn}u;
  // No barriers here, so invocations past the padded edge may simply leave.
  if (row >= P.m || col >= P.n) { return; }
  let ar = P.offA + gid.z * P.strideA + row * P.lda;
  let bc = P.offB + gid.z * P.strideB + gid.x * ${nv}u;
${decl}
  for (var k4 = 0u; k4 < P.k; k4++) {
    let bk = bc + 4u * k4 * P.ldb;
${loadB}
${body}
  }
  let cr = P.offC + gid.z * P.strideC + row * P.ldc + col;
${store}
}`;
}
