/* Runtime ISA dispatch: the per-ISA files are compiled with their own -m flags, and nothing
 * reaches them unless the CPU (and the OS, for the zmm/ymm register state) supports the ISA.
 * GCC's __builtin_cpu_supports checks both CPUID and XGETBV. */
#include <stddef.h>
#include "dlb.h"

int dlb_isa_supported(int isa) {
#if defined(__x86_64__) || defined(__i386__)
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
  if (dlb_isa_supported(DLB_ISA_AVX512)) return DLB_ISA_AVX512;
  if (dlb_isa_supported(DLB_ISA_AVX2)) return DLB_ISA_AVX2;
  return DLB_ISA_SCALAR;
}

const dlb_kernel_desc *dlb_kernel_for(int isa) {
#if defined(__x86_64__) || defined(__i386__)
  if (isa == DLB_ISA_AVX512) return &dlb_sgemm_avx512_desc;
  if (isa == DLB_ISA_AVX2) return &dlb_sgemm_avx2_desc;
#endif
  if (isa == DLB_ISA_SCALAR) return &dlb_sgemm_scalar_desc;
  return NULL;
}

static const dlb_dsvd_kernels dsvd_scalar = {dlb_dreflect_left_scalar, dlb_dreflect_right_scalar, dlb_drot_sweeps_scalar};
#if defined(__x86_64__) || defined(__i386__)
static const dlb_dsvd_kernels dsvd_avx2 = {dlb_dreflect_left_avx2, dlb_dreflect_right_avx2, dlb_drot_sweeps_avx2};
static const dlb_dsvd_kernels dsvd_avx512 = {dlb_dreflect_left_avx512, dlb_dreflect_right_avx512, dlb_drot_sweeps_avx512};
#endif

/* The float64 SVD kernels of an ISA, or NULL when this CPU cannot run them. */
const dlb_dsvd_kernels *dlb_dsvd_for(int isa) {
  if (!dlb_isa_supported(isa)) return NULL;
#if defined(__x86_64__) || defined(__i386__)
  if (isa == DLB_ISA_AVX512) return &dsvd_avx512;
  if (isa == DLB_ISA_AVX2) return &dsvd_avx2;
#endif
  return isa == DLB_ISA_SCALAR ? &dsvd_scalar : NULL;
}
