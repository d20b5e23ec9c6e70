/* Native rung, the Goto/BLIS driver shared by every ISA (the micro-kernel is a parameter).
 * Loops: ic (MC rows of A, packed per KC into MR-row slivers, L3) → pc (KC) → jc (NC columns
 * of B, packed into NR-column slivers, L2) → ir (one A sliver, L1) → jr (B slivers stream
 * from L2) → micro-kernel. Edge tiles run the same kernel into a scratch tile.
 * Threads take disjoint bands of C: column bands share one packed A block (two spin barriers per
 * A block), row bands (narrow N) pack their own A and B. */
#include <pthread.h>
#include <string.h>
#include "dlb.h"
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

/* Rows [0, h) of a row-major A sliver (row stride rsa), k steps [0, kc), into dst[p*mr + i].
 * With SSE and whole groups of 4 rows, 4×4 blocks are transposed in registers so every store
 * is a 16-byte vector: the scalar scatter (one 4-byte store per element, stride MR) made
 * packing A ~5% of a 1024³ multiply. */
static long pack_a_rows_sse(const float *a, long rsa, long h, long kc, int mr, float *dst) {
#if defined(__SSE__)
  if (h != mr || mr % 4) return 0;
  long p = 0;
  for (; p + 4 <= kc; p += 4)
    for (long i = 0; i < mr; i += 4) {
      const float *s = a + i * rsa + p;
      __m128 r0 = _mm_loadu_ps(s), r1 = _mm_loadu_ps(s + rsa), r2 = _mm_loadu_ps(s + 2 * rsa),
             r3 = _mm_loadu_ps(s + 3 * rsa);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      float *d = dst + p * mr + i;
      _mm_storeu_ps(d, r0);
      _mm_storeu_ps(d + mr, r1);
      _mm_storeu_ps(d + 2 * mr, r2);
      _mm_storeu_ps(d + 3 * mr, r3);
    }
  return p;
#else
  (void)a, (void)rsa, (void)h, (void)kc, (void)mr, (void)dst;
  return 0;
#endif
}

static void pack_a(const dlb_gemm_args *g, long i0, long mc, long p0, long kc, int mr, float *ap) {
  for (long ir = 0; ir < mc; ir += mr) {
    const long h = mc - ir < mr ? mc - ir : mr;
    float *dst = ap + ir * kc;
    if (g->csa == 1) {
      /* Rows of A are contiguous along k: vector transposes, then the tail (or a short
       * sliver) element by element, each row read once and written with stride MR. */
      const float *src0 = g->a + (i0 + ir) * g->rsa + p0;
      const long done = pack_a_rows_sse(src0, g->rsa, h, kc, mr, dst);
      for (long i = 0; i < h; i++) {
        const float *src = src0 + i * g->rsa;
        for (long p = done; p < kc; p++) dst[p * mr + i] = src[p];
      }
    } else if (g->rsa == 1) {
      /* Transposed A: a k step is contiguous across rows, a straight copy. */
      for (long p = 0; p < kc; p++)
        memcpy(dst + p * mr, g->a + (p0 + p) * g->csa + i0 + ir, h * sizeof(float));
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

/* Rows per ic block for m rows: MC is a target, not a cap. The blocks are equal (whole MR
 * slivers), and their count is m/MC rounded to nearest: 4096 rows with MC 4080 make one block
 * rather than 4080 + 16, whose tail would repack all of B for a single sliver pair. A block
 * never exceeds ic_cap(m') rows for any m' ≤ m (at most 1.5·MC, still well inside L3). */
static long ic_block(long m, long MC, long mr) {
  long nb = (m + MC / 2) / MC;
  if (nb < 1) nb = 1;
  return round_up((m + nb - 1) / nb, mr);
}
static long ic_cap(long m, long MC, long mr) { return round_up(m < MC + MC / 2 ? m : MC + MC / 2, mr); }

/* A band's context: its packing buffers, and for column bands the A block all threads share. */
typedef struct {
  float *ap, *bp;
  int t, nt;              /* this thread among the threads sharing ap (nt 1: private ap) */
  dlb_spin_barrier *sync; /* NULL when ap is private */
} band_ctx;

/* One thread's share: C[m0:m1, n0:n1]. */
static void gemm_band(const dlb_kernel_desc *kd, const dlb_blocking *bk, const dlb_gemm_args *g, long m0,
                      long m1, long n0, long n1, const band_ctx *bc) {
  const int mr = kd->mr, nr = kd->nr;
  const long MC = ic_block(m1 - m0, bk->mc, mr), KC = bk->kc, NC = bk->nc;
  float *ap = bc->ap, *bp = bc->bp;
  float edge[64 * 32] __attribute__((aligned(64)));
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
        dlb_spin_barrier_wait(bc->sync);
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
            } else if (kd->edge) {
              kd->edge(kc, a_s, bp + jr * kc, crow + jr, g->ldc, acc, (int)h, (int)w);
            } else {
              kd->kernel(kc, a_s, bp + jr * kc, edge, nr, 0);
              for (long i = 0; i < h; i++) {
                float *cr = crow + i * g->ldc + jr;
                const float *er = edge + i * nr;
                if (acc)
                  for (long j = 0; j < w; j++) cr[j] += er[j];
                else
                  for (long j = 0; j < w; j++) cr[j] = er[j];
              }
            }
          }
        }
      }
      if (bc->sync) dlb_spin_barrier_wait(bc->sync); /* everyone done with A before it is repacked */
    }
  }
}

typedef struct {
  const dlb_kernel_desc *kd;
  dlb_blocking bk;
  const dlb_gemm_args *g;
  int by_columns;
  float *ap_shared;
  float *bp[256];
  float *ap[256];
  dlb_spin_barrier sync; /* column bands: all threads pack one A block (dlb.h on why it spins) */
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
  if (j->by_columns)
    gemm_band(j->kd, &j->bk, g, 0, g->m, lo, hi, &bc);
  else
    gemm_band(j->kd, &j->bk, g, lo, hi, 0, g->n, &bc);
}

int dlb_sgemm(const dlb_kernel_desc *kd, const dlb_gemm_args *g, int threads) {
  const dlb_blocking bk = {kd->mc, kd->kc, kd->nc, DLB_SPLIT_AUTO};
  return dlb_sgemm_with(kd, &bk, g, threads);
}

int dlb_sgemm_with(const dlb_kernel_desc *kd, const dlb_blocking *bk_in, const dlb_gemm_args *g,
                   int threads) {
  if (g->m <= 0 || g->n <= 0) return 0;
  if (g->k <= 0) {
    if (!g->beta)
      for (long i = 0; i < g->m; i++) memset(g->c + i * g->ldc, 0, g->n * sizeof(float));
    return 0;
  }
  /* Small m or thin n: the skinny paths (skinny.c) skip packing the big operand. */
  const int skinny = dlb_sgemm_skinny(kd, g, threads);
  if (skinny) return skinny < 0 ? -1 : 0;
  /* Below ~4 MFLOP the pool's wake-up costs more than the second core gives back. */
  const double flops = 2.0 * g->m * g->n * g->k;
  int nt = threads < 1 ? 1 : threads > 256 ? 256 : threads;
  if (flops < 4e6) nt = 1;
  static band_job job; /* only touched under the pool lock */
  /* Blocks are whole slivers (KC any depth ≥ 1); a zero field takes the kernel's own. */
  dlb_blocking bk = *bk_in;
  if (bk.kc <= 0) bk.kc = kd->kc;
  if (bk.mc <= 0) bk.mc = kd->mc;
  if (bk.nc <= 0) bk.nc = kd->nc;
  bk.mc = round_up(bk.mc, kd->mr);
  bk.nc = round_up(bk.nc, kd->nr);
  const long col_units = (g->n + kd->nr - 1) / kd->nr, row_units = (g->m + kd->mr - 1) / kd->mr;
  const int by_columns = bk.split == DLB_SPLIT_COLUMNS ? 1
                         : bk.split == DLB_SPLIT_ROWS  ? 0
                                                       : col_units >= 2L * nt || col_units >= row_units;
  const long units = by_columns ? col_units : row_units;
  if (nt > units) nt = (int)units;
  /* Every buffer exists before any thread starts, so a failure can't strand one at a barrier. */
  const long kcap = g->k < bk.kc ? g->k : bk.kc;
  const long mband = by_columns ? g->m : round_up((g->m + nt - 1) / nt, kd->mr) + kd->mr;
  const long nband = by_columns ? round_up((g->n + nt - 1) / nt, kd->nr) + kd->nr : g->n;
  const size_t a_floats = (size_t)ic_cap(mband, bk.mc, kd->mr) * kcap;
  const size_t b_floats = (size_t)round_up(nband < bk.nc ? nband : bk.nc, kd->nr) * kcap;
  if (nt == 1) {
    /* On the caller's thread with its own buffers, no lock: concurrent one-thread calls from
     * several worker_threads (gemm/workers-native) run in parallel instead of queueing. */
    float *ap = dlb_tls_scratch(0, a_floats), *bp = dlb_tls_scratch(1, b_floats);
    if (!ap || !bp) return -1;
    band_ctx bc = {ap, bp, 0, 1, NULL};
    gemm_band(kd, &bk, g, 0, g->m, 0, g->n, &bc);
    return 0;
  }
  int rc = 0;
  dlb_pool_lock();
  job.kd = kd;
  job.bk = bk;
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
    dlb_spin_barrier_init(&job.sync, launched);
    dlb_parallel(launched, band_task, &job);
  }
  dlb_pool_unlock();
  return rc;
}
