/* Native rung, the Goto/BLIS driver shared by every ISA (the micro-kernel is a parameter).
 * Loops: ic (MC rows of A, packed per KC into MR-row slivers, L3) → pc (KC) → jc (NC columns
 * of B, packed into NR-column slivers, L2) → ir (one A sliver, L1) → jr (B slivers stream
 * from L2) → micro-kernel. Edge tiles run the same kernel into a scratch tile.
 * Threads take disjoint bands of C: column bands share one packed A block (two barriers per
 * A block), row bands (narrow N) pack their own A and B. */
#include <pthread.h>
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
  if (g->csb == 1) {
    /* Row by row: each row of the block is read once, left to right (one page per row, not
     * one per sliver: B's row stride is often a whole page), and scattered to the slivers. */
    for (long p = 0; p < kc; p++) {
      const float *src = g->b + (p0 + p) * g->rsb + j0;
      for (long jr = 0; jr < nc; jr += nr) {
        const long w = nc - jr < nr ? nc - jr : nr;
        float *dst = bp + jr * kc + p * nr;
        memcpy(dst, src + jr, w * sizeof(float));
        if (w < nr) memset(dst + w, 0, (nr - w) * sizeof(float));
      }
    }
    return;
  }
  for (long jr = 0; jr < nc; jr += nr) {
    const long w = nc - jr < nr ? nc - jr : nr;
    float *dst = bp + jr * kc;
    for (long j = 0; j < w; j++) {
      const float *src = g->b + (j0 + jr + j) * g->csb + p0 * g->rsb;
      for (long p = 0; p < kc; p++) dst[p * nr + j] = src[p * g->rsb];
    }
    for (long j = w; j < nr; j++)
      for (long p = 0; p < kc; p++) dst[p * nr + j] = 0.0f;
  }
}

static long round_up(long x, long q) { return (x + q - 1) / q * q; }

/* A band's context: its packing buffers, and for column bands the A block all threads share. */
typedef struct {
  float *ap, *bp;
  int t, nt;               /* this thread among the threads sharing ap (nt 1: private ap) */
  pthread_barrier_t *sync; /* NULL when ap is private */
} band_ctx;

/* One thread's share: C[m0:m1, n0:n1]. */
static void gemm_band(const dlb_kernel_desc *kd, const dlb_gemm_args *g, long m0, long m1, long n0, long n1, const band_ctx *bc) {
  const int mr = kd->mr, nr = kd->nr;
  const long MC = kd->mc, KC = kd->kc, NC = kd->nc;
  float *ap = bc->ap, *bp = bc->bp;
  float edge[32 * 32] __attribute__((aligned(64)));
  for (long ic = m0; ic < m1; ic += MC) {
    const long mc = m1 - ic < MC ? m1 - ic : MC;
    for (long pc = 0; pc < g->k; pc += KC) {
      const long kc = g->k - pc < KC ? g->k - pc : KC;
      const int acc = pc > 0 || g->beta;
      if (bc->sync) {
        /* Column bands need the same A block: each thread packs a share of its slivers. */
        const long slivers = (mc + mr - 1) / mr;
        const long s0 = slivers * bc->t / bc->nt * mr, s1 = slivers * (bc->t + 1) / bc->nt * mr;
        if (s1 > s0) pack_a(g, ic + s0, (s1 < mc ? s1 : mc) - s0, pc, kc, mr, ap + s0 * kc);
        pthread_barrier_wait(bc->sync);
      } else {
        pack_a(g, ic, mc, pc, kc, mr, ap);
      }
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
      if (bc->sync) pthread_barrier_wait(bc->sync); /* everyone done with A before it is repacked */
    }
  }
}

typedef struct {
  const dlb_kernel_desc *kd;
  const dlb_gemm_args *g;
  int by_columns;
  float *ap_shared;
  float *bp[256];
  float *ap[256];
  pthread_barrier_t sync;
} band_job;

static void band_task(void *ctx, int t, int nt) {
  band_job *j = ctx;
  const dlb_gemm_args *g = j->g;
  /* Band edges fall on whole register tiles so only the last band has an edge tile. */
  const long q = j->by_columns ? j->kd->nr : j->kd->mr;
  const long extent = j->by_columns ? g->n : g->m;
  const long units = (extent + q - 1) / q;
  long lo = units * t / nt * q, hi = units * (t + 1) / nt * q;
  if (hi > extent) hi = extent;
  const int shared = j->by_columns && nt > 1;
  band_ctx bc = {shared ? j->ap_shared : j->ap[t], j->bp[t], t, nt, shared ? &j->sync : NULL};
  if (j->by_columns) gemm_band(j->kd, g, 0, g->m, lo, hi, &bc);
  else gemm_band(j->kd, g, lo, hi, 0, g->n, &bc);
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
  int nt = threads < 1 ? 1 : threads > 256 ? 256 : threads;
  if (flops < 4e6) nt = 1;
  static band_job job; /* only touched under the pool lock */
  const long col_units = (g->n + kd->nr - 1) / kd->nr, row_units = (g->m + kd->mr - 1) / kd->mr;
  const int by_columns = col_units >= 2L * nt || col_units >= row_units;
  const long units = by_columns ? col_units : row_units;
  if (nt > units) nt = (int)units;
  /* Every buffer exists before any thread starts, so a failure can't strand one at a barrier. */
  const long kcap = g->k < kd->kc ? g->k : kd->kc;
  const long mband = by_columns ? g->m : round_up((g->m + nt - 1) / nt, kd->mr) + kd->mr;
  const long nband = by_columns ? round_up((g->n + nt - 1) / nt, kd->nr) + kd->nr : g->n;
  const size_t a_floats = (size_t)round_up(mband < kd->mc ? mband : kd->mc, kd->mr) * kcap;
  const size_t b_floats = (size_t)round_up(nband < kd->nc ? nband : kd->nc, kd->nr) * kcap;
  if (nt == 1) {
    /* On the caller's thread with its own buffers, no lock: concurrent one-thread calls from
     * several worker_threads (gemm/workers-native) run in parallel instead of queueing. */
    float *ap = dlb_tls_scratch(0, a_floats), *bp = dlb_tls_scratch(1, b_floats);
    if (!ap || !bp) return -1;
    band_ctx bc = {ap, bp, 0, 1, NULL};
    gemm_band(kd, g, 0, g->m, 0, g->n, &bc);
    return 0;
  }
  int rc = 0;
  dlb_pool_lock();
  job.kd = kd;
  job.g = g;
  job.by_columns = by_columns;
  for (int t = 0; t < nt; t++) {
    job.ap[t] = (t == 0 || !job.by_columns) ? dlb_scratch(t, 0, a_floats) : NULL;
    job.bp[t] = dlb_scratch(t, 1, b_floats);
    if ((t == 0 || !job.by_columns) && !job.ap[t]) rc = -1;
    if (!job.bp[t]) rc = -1;
  }
  job.ap_shared = job.ap[0];
  if (rc == 0) {
    /* The pool may grant fewer threads than asked; the barrier must count the real number. */
    const int launched = dlb_parallel_size(nt);
    if (job.by_columns && launched > 1) pthread_barrier_init(&job.sync, NULL, (unsigned)launched);
    dlb_parallel(launched, band_task, &job);
    if (job.by_columns && launched > 1) pthread_barrier_destroy(&job.sync);
  }
  dlb_pool_unlock();
  return rc;
}
