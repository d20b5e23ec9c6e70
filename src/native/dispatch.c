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
