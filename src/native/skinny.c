/* Native rung, skinny paths: dlb_sgemm hands these shapes to kernels/skinny_impl.h instead of the
 * Goto driver, whose packing and 12×32 tile fit them badly. Small m (FC at batch 1..16): op(B) is
 * streamed once, in k blocks (csb = 1: axpy form) or rows of Bᵀ (rsb = 1: dot form); threads split n.
 * Thin n (randomized SVD's A·Z, Aᵀ·Y): A is read in place, only the small B is repacked (Bᵀ rows for
 * the dot form when csa = 1, row-major for the column form when rsa = 1); threads split m.
 * Bottleneck: DRAM bandwidth for small m (W read once, ~M FLOPs per weight), FMA issue for thin n. */
#include <stdatomic.h>
#include <string.h>
#include "dlb.h"

/* Thresholds, measured against the general driver in the same process (skinnyEnabled(false)):
 * small m wins up to 16 rows (two register groups of ≤ 8 share each block of B from L2; the general
 * path repacks all of B per call, 3-5× slower on FC weights); thin n wins up to 48 columns once k
 * is long enough to amortize the kernel set-up, the column form from 16 rows (a Gram matrix XᵀX
 * 2.4× faster), the dot form from 128 rows (below, transposing B costs what it saves). The column
 * form reads one cache line per row of A, a row stride apart: once A outgrows the L3 that is a
 * DRAM access per line (AVX-512: 1.9× the general driver at 4 MiB, 1.4× at 24, 0.98× at 34, 0.84×
 * at 61), so beyond col_a_max (per ISA, kernels/skinny_<isa>.c) the general driver (contiguous copies of
 * Aᵀ) takes it. */
#define SMALL_M_MAX 16
#define THIN_N_MAX 48
#define THIN_K_MIN 128
#define THIN_COL_M_MIN 16
#define THIN_DOT_M_MIN 128
/* Rows of B per axpy pass: C chunks are loaded and stored once per AXPY_KB rows. 8 concurrent row
 * streams measured best (fc6 1×4096×9216: 4 → 7.0 ms, 8 → 6.8, 16 → 8.5, 32 → 12.1; more streams
 * than the prefetchers track fall back to demand misses). */
#define AXPY_KB 8
/* Rows of B summed into a band buffer before they are added to C (two-level summation). */
#define AXPY_KS 256
/* Depth of the column form's partial sums (each one costs a transposed store of the C tile). */
#define COL_KS 512

static atomic_long calls[DLB_ISA_COUNT][DLB_PATH_COUNT];
static atomic_int enabled = 1;

int dlb_skinny_enable(int on) {
  return on < 0 ? atomic_load(&enabled) : atomic_exchange(&enabled, on ? 1 : 0);
}

const char *dlb_path_name(int path) {
  static const char *names[DLB_PATH_COUNT] = {"general", "smallm-axpy", "smallm-dot", "thinn-dot",
                                              "thinn-col"};
  return path >= 0 && path < DLB_PATH_COUNT ? names[path] : "general";
}

long dlb_skinny_calls(int isa, int path) {
  if (isa < 0 || isa >= DLB_ISA_COUNT || path < 0 || path >= DLB_PATH_COUNT) return 0;
  return atomic_load(&calls[isa][path]);
}

int dlb_sgemm_path(const dlb_kernel_desc *kd, const dlb_gemm_args *g) {
  if (!atomic_load(&enabled) || g->m <= 0 || g->n <= 0 || g->k <= 0) return DLB_PATH_GENERAL;
  if (g->n <= THIN_N_MAX && g->k >= THIN_K_MIN) {
    if (g->rsa == 1 && g->m >= THIN_COL_M_MIN &&
        (double)g->m * g->k * sizeof(float) <= dlb_isa_ops_of(kd)->skinny->col_a_max)
      return DLB_PATH_THINN_COL;
    if (g->csa == 1 && g->m >= THIN_DOT_M_MIN) return DLB_PATH_THINN_DOT;
  }
  if (g->m <= SMALL_M_MAX) {
    if (g->csb == 1) return DLB_PATH_SMALLM_AXPY;
    if (g->rsb == 1) return DLB_PATH_SMALLM_DOT;
  }
  return DLB_PATH_GENERAL;
}

typedef struct {
  const dlb_skinny_kernels *sk;
  const dlb_gemm_args *g;
  int path;
  const float *a, *b; /* the operands as the kernels read them (packed or in place) */
  long lda, ldb;      /* their strides along the non-contiguous axis */
  long unit, units;   /* threads take whole units of columns (small m) or rows (thin n) */
  float *band[256];   /* axpy: each thread's m × (its columns) partial-sum buffer */
} skinny_job;

static void range(const skinny_job *j, int t, int nt, long extent, long *lo, long *hi) {
  *lo = j->units * t / nt * j->unit;
  *hi = j->units * (t + 1) / nt * j->unit;
  if (*hi > extent) *hi = extent;
}

static void skinny_task(void *ctx, int t, int nt) {
  const skinny_job *j = ctx;
  const dlb_gemm_args *g = j->g;
  const dlb_skinny_kernels *sk = j->sk;
  long lo, hi;
  switch (j->path) {
    case DLB_PATH_SMALLM_AXPY: {
      /* Every thread streams its columns of all k rows, AXPY_KB rows at a time; the rows of C go
       * in groups of ≤ 8 (one register tile each) that re-read the AXPY_KB rows of B from L2.
       * Sums run AXPY_KS rows at a time into a band buffer T, then C += T: summing all k terms
       * straight into C made the error grow with k (2e-7 relative on fc6 against the general
       * driver's 2e-8, which sums KC-deep blocks the same way). */
      range(j, t, nt, g->n, &lo, &hi);
      if (lo >= hi) return;
      const long groups = (g->m + 7) / 8, tn = hi - lo;
      float *tb = j->band[t];
      for (long s0 = 0; s0 < g->k; s0 += AXPY_KS) {
        const long s1 = g->k - s0 < AXPY_KS ? g->k : s0 + AXPY_KS;
        const int direct = s0 == 0 && !g->beta; /* the first block may write C itself */
        float *dst = direct ? g->c + lo : tb;
        const long ldd = direct ? g->ldc : tn;
        for (long p0 = s0; p0 < s1; p0 += AXPY_KB) {
          const long kb = s1 - p0 < AXPY_KB ? s1 - p0 : AXPY_KB;
          for (long q = 0; q < groups; q++) {
            const long r0 = g->m * q / groups, r1 = g->m * (q + 1) / groups;
            sk->axpy((int)(r1 - r0), kb, j->a + r0 * g->k + p0 * (r1 - r0), g->b + p0 * g->rsb + lo, g->rsb,
                     dst + r0 * ldd, ldd, 0, tn, p0 > s0);
          }
        }
        if (!direct)
          for (long i = 0; i < g->m; i++) {
            float *restrict cr = g->c + i * g->ldc + lo;
            const float *restrict tr = tb + i * tn;
            for (long c = 0; c < tn; c++) cr[c] += tr[c];
          }
      }
      return;
    }
    case DLB_PATH_SMALLM_DOT:
      /* Rows of Bᵀ stream once (jb at a time); A's few rows stay in cache. */
      range(j, t, nt, g->n, &lo, &hi);
      for (long j0 = lo; j0 < hi; j0 += sk->dot_jb) {
        const int jb = hi - j0 < sk->dot_jb ? (int)(hi - j0) : sk->dot_jb;
        for (long i0 = 0; i0 < g->m; i0 += sk->dot_mi) {
          const int mi = g->m - i0 < sk->dot_mi ? (int)(g->m - i0) : sk->dot_mi;
          sk->dot(mi, jb, g->k, j->a + i0 * j->lda, j->lda, j->b + j0 * j->ldb, j->ldb,
                  g->c + i0 * g->ldc + j0, g->ldc, g->beta);
        }
      }
      return;
    case DLB_PATH_THINN_DOT:
      /* Rows of A stream once (mi at a time); the packed Bᵀ (n·k floats) stays in L2. */
      range(j, t, nt, g->m, &lo, &hi);
      for (long i0 = lo; i0 < hi; i0 += sk->dot_mi) {
        const int mi = hi - i0 < sk->dot_mi ? (int)(hi - i0) : sk->dot_mi;
        /* Balanced column blocks: 25 = 5·5 rather than 6·4 + 1, whose 4×1 tile is load-bound. */
        const long blocks = (g->n + sk->dot_jb - 1) / sk->dot_jb;
        for (long q = 0; q < blocks; q++) {
          const long j0 = g->n * q / blocks, jb = g->n * (q + 1) / blocks - j0;
          sk->dot(mi, (int)jb, g->k, j->a + i0 * j->lda, j->lda, j->b + j0 * j->ldb, j->ldb,
                  g->c + i0 * g->ldc + j0, g->ldc, g->beta);
        }
      }
      return;
    case DLB_PATH_THINN_COL: {
      /* col_rows rows of C (one cache line of each row of A) at a time; k in COL_KS-deep chunks,
       * each chunk's partial sums added to C (two-level summation, like the general driver's KC);
       * all n columns in as few balanced passes as the registers allow, inside the chunk, so the
       * later passes find the chunk's panel of A (COL_KS lines, as many pages) in L1 and the TLB. */
      range(j, t, nt, g->m, &lo, &hi);
      const long passes = (g->n + sk->col_jb - 1) / sk->col_jb;
      for (long i0 = lo; i0 < hi; i0 += sk->col_rows) {
        const long h = hi - i0 < sk->col_rows ? hi - i0 : sk->col_rows;
        for (long p0 = 0; p0 < g->k; p0 += COL_KS) {
          const long kc = g->k - p0 < COL_KS ? g->k - p0 : COL_KS;
          for (long q = 0; q < passes; q++) {
            const long j0 = g->n * q / passes, j1 = g->n * (q + 1) / passes;
            sk->col((int)(j1 - j0), kc, g->a + i0 + p0 * g->csa, g->csa, j->b + p0 * j->ldb + j0, j->ldb,
                    g->c + i0 * g->ldc + j0, g->ldc, g->beta || p0 > 0, h);
          }
        }
      }
      return;
    }
  }
}

/* Packs the small operand where the kernels need it contiguous; returns the floats needed (0: none). */
static size_t pack_floats(const dlb_gemm_args *g, int path) {
  switch (path) {
    case DLB_PATH_SMALLM_AXPY: return (size_t)g->m * g->k;
    case DLB_PATH_SMALLM_DOT: return g->csa == 1 ? 0 : (size_t)g->m * g->k;
    case DLB_PATH_THINN_DOT: return g->rsb == 1 ? 0 : (size_t)g->n * g->k;
    case DLB_PATH_THINN_COL: return g->csb == 1 ? 0 : (size_t)g->n * g->k;
  }
  return 0;
}

static void pack(skinny_job *j, float *buf) {
  const dlb_gemm_args *g = j->g;
  const long m = g->m, n = g->n, k = g->k;
  j->a = g->a, j->b = g->b;
  switch (j->path) {
    case DLB_PATH_SMALLM_AXPY: { /* per row group [r0, r1): ap[r0·k + p·(r1−r0) + i] = A(r0 + i, p) */
      const long groups = (m + 7) / 8;
      for (long q = 0; q < groups; q++) {
        const long r0 = m * q / groups, r1 = m * (q + 1) / groups;
        for (long i = r0; i < r1; i++)
          for (long p = 0; p < k; p++) buf[r0 * k + p * (r1 - r0) + (i - r0)] = g->a[i * g->rsa + p * g->csa];
      }
      j->a = buf;
      return;
    }
    case DLB_PATH_SMALLM_DOT: /* rows of A contiguous along k; rows of Bᵀ are B's columns in place */
      j->lda = g->rsa, j->ldb = g->csb;
      if (buf) {
        for (long i = 0; i < m; i++)
          for (long p = 0; p < k; p++) buf[i * k + p] = g->a[i * g->rsa + p * g->csa];
        j->a = buf, j->lda = k;
      }
      return;
    case DLB_PATH_THINN_DOT: /* bt[j·k + p] = B(p, j), read along B's rows */
      j->lda = g->rsa, j->ldb = g->csb;
      if (buf) {
        for (long p = 0; p < k; p++)
          for (long c = 0; c < n; c++) buf[c * k + p] = g->b[p * g->rsb + c * g->csb];
        j->b = buf, j->ldb = k;
      }
      return;
    case DLB_PATH_THINN_COL: /* B row-major with unit column stride: one broadcast row per k step */
      j->ldb = g->rsb;
      if (buf) {
        for (long p = 0; p < k; p++)
          for (long c = 0; c < n; c++) buf[p * n + c] = g->b[p * g->rsb + c * g->csb];
        j->b = buf, j->ldb = n;
      }
      return;
  }
}

int dlb_sgemm_skinny(const dlb_kernel_desc *kd, const dlb_gemm_args *g, int threads) {
  const int path = dlb_sgemm_path(kd, g);
  if (path == DLB_PATH_GENERAL) return 0;
  const dlb_isa_ops *ops = dlb_isa_ops_of(kd);
  static skinny_job shared; /* only touched under the pool lock */
  skinny_job local = {.sk = ops->skinny, .g = g, .path = path};
  const int by_columns = path == DLB_PATH_SMALLM_AXPY || path == DLB_PATH_SMALLM_DOT;
  local.unit = path == DLB_PATH_SMALLM_AXPY ? 128
               : path == DLB_PATH_THINN_COL ? local.sk->col_rows
               : by_columns                 ? local.sk->dot_jb
                                            : local.sk->dot_mi;
  const long extent = by_columns ? g->n : g->m;
  local.units = (extent + local.unit - 1) / local.unit;
  /* Same rule as the general driver: below ~4 MFLOP a pool wake-up costs more than it gives. */
  int nt = threads < 1 ? 1 : threads > 256 ? 256 : threads;
  if (2.0 * g->m * g->n * g->k < 4e6) nt = 1;
  if (nt > local.units) nt = (int)local.units;
  const size_t floats = pack_floats(g, path);
  atomic_fetch_add(&calls[ops->isa][path], 1);
  /* axpy's band buffers (sized for all n: the pool may grant fewer threads, so wider bands, than
   * asked); none when one block covers k and C is overwritten. */
  const size_t band = path == DLB_PATH_SMALLM_AXPY && (g->k > AXPY_KS || g->beta)
                          ? (size_t)g->m * local.units * local.unit
                          : 0;
  if (nt == 1) {
    float *buf = floats ? dlb_tls_scratch(0, floats) : NULL;
    local.band[0] = band ? dlb_tls_scratch(1, band) : NULL;
    if ((floats && !buf) || (band && !local.band[0])) return -1;
    pack(&local, buf);
    skinny_task(&local, 0, 1);
    return 1;
  }
  dlb_pool_lock();
  float *buf = floats ? dlb_scratch(0, 0, floats) : NULL;
  int oom = floats && !buf;
  for (int t = 0; t < nt; t++) {
    local.band[t] = band ? dlb_scratch(t, 1, band) : NULL;
    if (band && !local.band[t]) oom = 1;
  }
  if (oom) {
    dlb_pool_unlock();
    return -1;
  }
  shared = local;
  pack(&shared, buf);
  dlb_parallel(nt, skinny_task, &shared);
  dlb_pool_unlock();
  return 1;
}

/* ---- Packed fully-connected layer (layer/fc-packed): y = x·W + b with W packed once (set-up) into
 * panels of FCP_NB columns, each panel contiguous along k, so the timed call is one sequential stream
 * per panel and nothing else. Threads take whole panels from a shared counter instead of a fixed
 * half each: at batch 1 the layer is bound by DRAM bandwidth, and on a shared machine a fixed split
 * waits for whichever thread was descheduled, while the counter lets the running one take its work. ---- */
#define FCP_NB 64   /* floats per panel: kernels/skinny_impl.h computes the same width */
#define FCP_KS 256  /* k rows summed in registers before they are added to the row's total */
#define FCP_ROWS 64 /* rows of x per pass over a panel's k block (their partial sums sit on the stack) */

typedef void (*fcp_fn)(int m, long kb, const float *x, long ldx, const float *wp, float *y, long ldy,
                       int load_y);
typedef void (*fcp_pair_fn)(long kb, const float *x, const float *w0, const float *w1, float *y0, float *y1,
                            int load_y);
void dlb_fcp_scalar(int, long, const float *, long, const float *, float *, long, int);
void dlb_fcp_pair_scalar(long, const float *, const float *, const float *, float *, float *, int);
extern const int dlb_fcp_mr_scalar;
#if defined(__x86_64__) || defined(__i386__)
void dlb_fcp_avx2(int, long, const float *, long, const float *, float *, long, int);
void dlb_fcp_avx512(int, long, const float *, long, const float *, float *, long, int);
void dlb_fcp_pair_avx2(long, const float *, const float *, const float *, float *, float *, int);
void dlb_fcp_pair_avx512(long, const float *, const float *, const float *, float *, float *, int);
extern const int dlb_fcp_mr_avx2, dlb_fcp_mr_avx512;
#endif

long dlb_fcp_packed_floats(long k, long n) { return (n + FCP_NB - 1) / FCP_NB * k * FCP_NB; }

void dlb_fcp_pack(long k, long n, const float *w, long ldw, int trans, float *wp) {
  const long panels = (n + FCP_NB - 1) / FCP_NB;
  for (long q = 0; q < panels; q++) {
    const long j0 = q * FCP_NB, nb = n - j0 < FCP_NB ? n - j0 : FCP_NB;
    float *dst = wp + q * k * FCP_NB;
    for (long p = 0; p < k; p++, dst += FCP_NB) {
      if (trans)
        for (long c = 0; c < nb; c++) dst[c] = w[(j0 + c) * ldw + p];
      else
        memcpy(dst, w + p * ldw + j0, (size_t)nb * sizeof(float));
      for (long c = nb; c < FCP_NB; c++) dst[c] = 0.0f;
    }
  }
}

typedef struct {
  fcp_fn fn;
  fcp_pair_fn pair;
  int mr, relu;
  long m, k, n, panels, ldx, ldy;
  const float *x, *wp, *bias;
  float *y;
  atomic_long next;
} fcp_job;

static void fcp_panel(const fcp_job *j, long q) {
  float part[FCP_ROWS * FCP_NB] __attribute__((aligned(64)));
  const long j0 = q * FCP_NB, nb = j->n - j0 < FCP_NB ? j->n - j0 : FCP_NB;
  const float *wq = j->wp + q * j->k * FCP_NB;
  for (long r0 = 0; r0 < j->m; r0 += FCP_ROWS) {
    const long rows = j->m - r0 < FCP_ROWS ? j->m - r0 : FCP_ROWS;
    if (j->k <= 0) memset(part, 0, sizeof part);
    /* k blocks outside, rows inside: a block of the panel (FCP_KS·FCP_NB floats) is read from memory
     * once and re-read from L1/L2 by the other row groups. */
    for (long p0 = 0; p0 < j->k; p0 += FCP_KS) {
      const long kb = j->k - p0 < FCP_KS ? j->k - p0 : FCP_KS;
      for (long i0 = 0; i0 < rows; i0 += j->mr) {
        const int mi = rows - i0 < j->mr ? (int)(rows - i0) : j->mr;
        j->fn(mi, kb, j->x + (r0 + i0) * j->ldx + p0, j->ldx, wq + p0 * FCP_NB, part + i0 * FCP_NB, FCP_NB,
              p0 > 0);
      }
    }
    for (long i = 0; i < rows; i++) {
      float *restrict yr = j->y + (r0 + i) * j->ldy + j0;
      const float *restrict pr = part + i * FCP_NB;
      for (long c = 0; c < nb; c++) {
        const float v = pr[c] + (j->bias ? j->bias[j0 + c] : 0.0f);
        yr[c] = j->relu && v < 0.0f ? 0.0f : v;
      }
    }
  }
}

static void fcp_epilogue(const fcp_job *j, long q, const float *part) {
  const long j0 = q * FCP_NB, nb = j->n - j0 < FCP_NB ? j->n - j0 : FCP_NB;
  for (long c = 0; c < nb; c++) {
    const float v = part[c] + (j->bias ? j->bias[j0 + c] : 0.0f);
    j->y[j0 + c] = j->relu && v < 0.0f ? 0.0f : v;
  }
}

/* One row, two panels at a time (two streams in flight for one thread). */
static void fcp_pair(const fcp_job *j, long q) {
  float part[2 * FCP_NB] __attribute__((aligned(64)));
  const float *w0 = j->wp + q * j->k * FCP_NB, *w1 = w0 + j->k * FCP_NB;
  if (j->k <= 0) memset(part, 0, sizeof part);
  for (long p0 = 0; p0 < j->k; p0 += FCP_KS) {
    const long kb = j->k - p0 < FCP_KS ? j->k - p0 : FCP_KS;
    j->pair(kb, j->x + p0, w0 + p0 * FCP_NB, w1 + p0 * FCP_NB, part, part + FCP_NB, p0 > 0);
  }
  fcp_epilogue(j, q, part);
  fcp_epilogue(j, q + 1, part + FCP_NB);
}

static void fcp_task(void *ctx, int t, int nt) {
  fcp_job *j = ctx;
  /* At batch 1 a thread takes two panels at a time and streams them together: one stream with its
   * prefetch left bandwidth unused on one core (docs/conv-and-nets.md). */
  const long step = j->m == 1 ? 2 : 1;
  for (long q; (q = atomic_fetch_add(&j->next, step)) < j->panels;) {
    if (step == 2 && q + 1 < j->panels)
      fcp_pair(j, q);
    else
      for (long e = q; e < q + step && e < j->panels; e++) fcp_panel(j, e);
  }
}

int dlb_fcp_forward(int isa, int threads, long m, long k, long n, const float *x, long ldx, const float *wp,
                    const float *bias, int relu, float *y, long ldy) {
  fcp_job j = {.fn = dlb_fcp_scalar,
               .pair = dlb_fcp_pair_scalar,
               .mr = dlb_fcp_mr_scalar,
               .relu = relu,
               .m = m,
               .k = k,
               .n = n,
               .panels = (n + FCP_NB - 1) / FCP_NB,
               .ldx = ldx,
               .ldy = ldy,
               .x = x,
               .wp = wp,
               .bias = bias,
               .y = y};
#if defined(__x86_64__) || defined(__i386__)
  if (isa == DLB_ISA_AVX512) j.fn = dlb_fcp_avx512, j.pair = dlb_fcp_pair_avx512, j.mr = dlb_fcp_mr_avx512;
  if (isa == DLB_ISA_AVX2) j.fn = dlb_fcp_avx2, j.pair = dlb_fcp_pair_avx2, j.mr = dlb_fcp_mr_avx2;
#endif
  if (m <= 0 || n <= 0) return 0;
  atomic_init(&j.next, 0);
  /* A second thread pays for its wake-up only when there is a MiB or so of weights to stream. */
  const int nt = dlb_threads_for((double)k * n, j.panels, threads, 256.0 * 1024);
  if (nt == 1)
    fcp_task(&j, 0, 1);
  else
    dlb_parallel(nt, fcp_task, &j);
  return 0;
}
