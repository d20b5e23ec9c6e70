/* Runtime ISA dispatch: the per-ISA files are compiled with their own -m flags, and nothing
 * reaches them unless the CPU (and the OS, for the zmm/ymm register state) supports the ISA.
 * GCC's __builtin_cpu_supports checks both CPUID and XGETBV. Each ISA's kernels sit in one
 * dlb_isa_ops row, so adding an ISA or an op is one row or one column here, not a switch per caller. */
#include <stddef.h>
#include <string.h>
#include "dlb.h"

/* One ISA's row, from the symbol names every per-ISA file follows (…_<isa>). */
/* clang-format off */
#define ISA_OPS(id, x) \
  {id, #x, &dlb_sgemm_##x##_desc, &dlb_skinny_##x, &dlb_wino_##x, &dlb_dsvd_##x, dlb_peak_fma_##x, dlb_read_sum_##x}
/* clang-format on */

#if defined(__x86_64__) || defined(__i386__)
#define DLB_X86 1
static const dlb_isa_ops ops_avx512 = ISA_OPS(DLB_ISA_AVX512, avx512);
static const dlb_isa_ops ops_avx2 = ISA_OPS(DLB_ISA_AVX2, avx2);
#endif
static const dlb_isa_ops ops_scalar = ISA_OPS(DLB_ISA_SCALAR, scalar);

/* Indexed by enum dlb_isa; NULL where this build has no code for the ISA. */
static const dlb_isa_ops *const table[DLB_ISA_COUNT] = {
    [DLB_ISA_SCALAR] = &ops_scalar,
#ifdef DLB_X86
    [DLB_ISA_AVX2] = &ops_avx2,
    [DLB_ISA_AVX512] = &ops_avx512,
#endif
};

int dlb_isa_supported(int isa) {
#ifdef DLB_X86
  __builtin_cpu_init();
  switch (isa) {
    case DLB_ISA_SCALAR: return 1;
    case DLB_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case DLB_ISA_AVX512: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
    default: return 0;
  }
#else
  return isa == DLB_ISA_SCALAR;
#endif
}

int dlb_best_isa(void) {
  for (int isa = DLB_ISA_COUNT - 1; isa > DLB_ISA_SCALAR; isa--)
    if (dlb_isa_ops_for(isa)) return isa;
  return DLB_ISA_SCALAR;
}

const dlb_isa_ops *dlb_isa_ops_built(int isa) { return isa >= 0 && isa < DLB_ISA_COUNT ? table[isa] : NULL; }

const dlb_isa_ops *dlb_isa_ops_for(int isa) {
  const dlb_isa_ops *ops = dlb_isa_ops_built(isa);
  return ops && dlb_isa_supported(isa) ? ops : NULL;
}

/* By ISA name, so every tile shape of an ISA finds its ISA's skinny kernels. */
const dlb_isa_ops *dlb_isa_ops_of(const dlb_kernel_desc *kd) {
  for (int isa = 0; isa < DLB_ISA_COUNT; isa++)
    if (table[isa] && kd && strcmp(table[isa]->name, kd->isa) == 0) return table[isa];
  return &ops_scalar;
}

/* Every GEMM micro-kernel of this build, widest ISA first; the ISA's default leads its ISA. */
static const dlb_kernel_desc *const all_kernels[] = {
#ifdef DLB_X86
    &dlb_sgemm_avx512_desc,      &dlb_sgemm_avx512_14x32_desc,
    &dlb_sgemm_avx512_8x48_desc, &dlb_sgemm_avx512_6x64_desc,
    &dlb_sgemm_avx2_desc,
#endif
    &dlb_sgemm_scalar_desc,      NULL,
};

const dlb_kernel_desc *const *dlb_sgemm_kernel_list(void) { return all_kernels; }

const dlb_kernel_desc *dlb_sgemm_kernel_named(const char *symbol) {
  for (const dlb_kernel_desc *const *k = all_kernels; *k; k++)
    if (strcmp((*k)->symbol, symbol) == 0) return *k;
  return NULL;
}

const dlb_kernel_desc *dlb_kernel_for(int isa) {
  const dlb_isa_ops *ops = dlb_isa_ops_built(isa);
  return ops ? ops->sgemm : NULL;
}
