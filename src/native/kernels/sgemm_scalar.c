/* Native rung, portable reference micro-kernel dlb_sgemm_scalar_4x4: plain C, no ISA flags, so
 * it runs on any CPU the addon builds for (the BLIS "reference kernel is always valid" rule).
 * Built with -fno-tree-vectorize so it stays scalar: 16 accumulators fill the 16 xmm
 * registers' low lanes; bottleneck: separate mul and add issue (no FMA), a few spills. */
#include "../dlb.h"

#define MR 4
#define NR 4

static void dlb_sgemm_scalar_4x4(long kc, const float *ap, const float *bp, float *c, long ldc,
                                 int accumulate) {
  float acc[MR][NR] = {{0}};
  for (long p = 0; p < kc; p++) {
    for (int i = 0; i < MR; i++) {
      const float a = ap[p * MR + i];
      for (int j = 0; j < NR; j++) acc[i][j] += a * bp[p * NR + j];
    }
  }
  for (int i = 0; i < MR; i++) {
    float *r = c + i * ldc;
    for (int j = 0; j < NR; j++) r[j] = accumulate ? r[j] + acc[i][j] : acc[i][j];
  }
}

const dlb_kernel_desc dlb_sgemm_scalar_desc = {
    "dlb_sgemm_scalar_4x4", "scalar", MR, NR, 512, 256, 256, dlb_sgemm_scalar_4x4, NULL,
};
