/* Native rung, the Goto/BLIS driver shared by every ISA (the micro-kernel is a parameter).
 * Loops: ic (MC rows of A, packed per KC into MR-row slivers, L3) → pc (KC) → jc (NC columns
 * of B, packed into NR-column slivers, L2) → ir (one A sliver, L1) → jr (B slivers stream
 * from L2) → micro-kernel. Edge tiles run the same kernel into a scratch tile.
 * Threads take disjoint bands of C (columns, or rows when N is narrow), so no barriers. */
#include <string.h>
#include "dlb.h"

static void pack_a(const dlb_gemm_args *g, long i0, long mc, long p0, long kc, int mr, float *ap) {
  for (long ir = 0; ir < mc; ir += mr) {
    const long h = mc - ir < mr ? mc - ir : mr;
    float *dst = ap + ir * kc;
    if (g->csa == 1) {
      /* Rows of A are contiguous along k: read each row once, write with stride MR. */
      for (long i = 0; i < h; i++) {
        const float *src = g->a + (i0 + ir + i) * g->rsa + p0;
        for (long p = 0; p < kc; p++) dst[p * mr + i] = src[p];
      }
    } else if (g->rsa == 1) {
      /* Transposed A: a k step is contiguous across rows, a straight copy. */
      for (long p = 0; p < kc; p++) memcpy(dst + p * mr, g->a + (p0 + p) * g->csa + i0 + ir, h * sizeof(float));
    } else {
      for (long i = 0; i < h; i++)
        for (long p = 0; p < kc; p++) dst[p * mr + i] = g->a[(i0 + ir + i) * g->rsa + (p0 + p) * g->csa];
    }
    for (long i = h; i < mr; i++)
      for (long p = 0; p < kc; p++) dst[p * mr + i] = 0.0f;
  }
}

static void pack_b(const dlb_gemm_args *g, long p0, long kc, long j0, long nc, int nr, float *bp) {
  for (long jr = 0; jr < nc; jr += nr) {
    const long w = nc - jr < nr ? nc - jr : nr;
    float *dst = bp + jr * kc;
    if (g->csb == 1) {
      for (long p = 0; p < kc; p++) {
        memcpy(dst + p * nr, g->b + (p0 + p) * g->rsb + j0 + jr, w * sizeof(float));
        if (w < nr) memset(dst + p * nr + w, 0, (nr - w) * sizeof(float));
      }
    } else {
      for (long j = 0; j < w; j++) {
        const float *src = g->b + (j0 + jr + j) * g->csb + p0 * g->rsb;
        for (long p = 0; p < kc; p++) dst[p * nr + j] = src[p * g->rsb];
      }
      for (long j = w; j < nr; j++)
        for (long p = 0; p < kc; p++) dst[p * nr + j] = 0.0f;
    }
  }
}

static long round_up(long x, long q) { return (x + q - 1) / q * q; }

/* One thread's share: C[m0:m1, n0:n1]. */
static int gemm_band(const dlb_kernel_desc *kd, const dlb_gemm_args *g, long m0, long m1, long n0, long n1, int t) {
  const int mr = kd->mr, nr = kd->nr;
  const long MC = kd->mc, KC = kd->kc, NC = kd->nc;
  const long kcap = g->k < KC ? g->k : KC;
  float *ap = dlb_scratch(t, 0, (size_t)round_up(m1 - m0 < MC ? m1 - m0 : MC, mr) * kcap);
  float *bp = dlb_scratch(t, 1, (size_t)round_up(n1 - n0 < NC ? n1 - n0 : NC, nr) * kcap);
  float edge[32 * 32] __attribute__((aligned(64)));
  if (!ap || !bp) return -1; /* out of memory: reported by the caller */
  for (long ic = m0; ic < m1; ic += MC) {
    const long mc = m1 - ic < MC ? m1 - ic : MC;
    for (long pc = 0; pc < g->k; pc += KC) {
      const long kc = g->k - pc < KC ? g->k - pc : KC;
      const int acc = pc > 0 || g->beta;
      pack_a(g, ic, mc, pc, kc, mr, ap);
      for (long jc = n0; jc < n1; jc += NC) {
        const long nc = n1 - jc < NC ? n1 - jc : NC;
        pack_b(g, pc, kc, jc, nc, nr, bp);
        for (long ir = 0; ir < mc; ir += mr) {
          const long h = mc - ir < mr ? mc - ir : mr;
          const float *a_s = ap + ir * kc;
          float *crow = g->c + (ic + ir) * g->ldc + jc;
          for (long jr = 0; jr < nc; jr += nr) {
            const long w = nc - jr < nr ? nc - jr : nr;
            if (h == mr && w == nr) {
              kd->kernel(kc, a_s, bp + jr * kc, crow + jr, g->ldc, acc);
            } else {
              kd->kernel(kc, a_s, bp + jr * kc, edge, nr, 0);
              for (long i = 0; i < h; i++) {
                float *cr = crow + i * g->ldc + jr;
                const float *er = edge + i * nr;
                if (acc) for (long j = 0; j < w; j++) cr[j] += er[j];
                else for (long j = 0; j < w; j++) cr[j] = er[j];
              }
            }
          }
        }
      }
    }
  }
  return 0;
}

typedef struct {
  const dlb_kernel_desc *kd;
  const dlb_gemm_args *g;
  int by_columns;
  volatile int failed;
} band_job;

static void band_task(void *ctx, int t, int nt) {
  const band_job *j = ctx;
  const dlb_gemm_args *g = j->g;
  /* Band edges fall on whole register tiles so only the last band has an edge tile. */
  const long q = j->by_columns ? j->kd->nr : j->kd->mr;
  const long extent = j->by_columns ? g->n : g->m;
  const long units = (extent + q - 1) / q;
  long lo = units * t / nt * q, hi = units * (t + 1) / nt * q;
  if (hi > extent) hi = extent;
  if (lo >= hi) return;
  band_job *jw = ctx;
  const int rc = j->by_columns ? gemm_band(j->kd, g, 0, g->m, lo, hi, t) : gemm_band(j->kd, g, lo, hi, 0, g->n, t);
  if (rc) jw->failed = 1;
}

int dlb_sgemm(const dlb_kernel_desc *kd, const dlb_gemm_args *g, int threads) {
  if (g->m <= 0 || g->n <= 0) return 0;
  if (g->k <= 0) {
    if (!g->beta)
      for (long i = 0; i < g->m; i++) memset(g->c + i * g->ldc, 0, g->n * sizeof(float));
    return 0;
  }
  /* Below ~4 MFLOP the pool's wake-up costs more than the second core gives back. */
  const double flops = 2.0 * g->m * g->n * g->k;
  int nt = threads < 1 ? 1 : threads;
  if (flops < 4e6) nt = 1;
  band_job job = {kd, g, 1, 0};
  const long col_units = (g->n + kd->nr - 1) / kd->nr, row_units = (g->m + kd->mr - 1) / kd->mr;
  job.by_columns = col_units >= 2L * nt || col_units >= row_units;
  const long units = job.by_columns ? col_units : row_units;
  if (nt > units) nt = (int)units;
  dlb_parallel(nt, band_task, &job);
  return job.failed ? -1 : 0;
}
