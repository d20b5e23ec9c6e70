// The note under the openblas rows when its kernel is pinned below the CPU: an AVX2 OpenBLAS on an
// AVX-512 machine is not "the vendor BLAS" the reference rung claims to be.
import {isaBelow, isaOfFlags, isaOfOpenBlasCore, type VectorIsa} from '../measure/cpu-id.js';
import type {Context} from '../core/results.js';

const ISA_NAME: Record<VectorIsa, string> = {sse: 'SSE', avx: 'AVX', avx2: 'AVX2', avx512: 'AVX-512'};

export function blasKernelNote(ctx: Context): string | undefined {
  const b = ctx.blas;
  if (!b?.available) return undefined;
  const pinned = b.env.OPENBLAS_CORETYPE;
  const core = b.corename ?? pinned;
  const cpuIsa = isaOfFlags(ctx.cpu.flags ?? []);
  const coreIsa = core ? isaOfOpenBlasCore(core) : undefined;
  if (!pinned || !core || !cpuIsa || !coreIsa || !isaBelow(coreIsa, cpuIsa)) return undefined;
  return (
    `note: OpenBLAS runs its ${core} kernels (${ISA_NAME[coreIsa]}) because OPENBLAS_CORETYPE=${pinned}; ` +
    `this CPU has ${ISA_NAME[cpuIsa]}, so the openblas rows understate the vendor BLAS here (unset OPENBLAS_CORETYPE to compare).`
  );
}
