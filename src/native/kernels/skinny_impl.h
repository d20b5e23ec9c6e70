/* Native rung, skinny paths (no packing of the big operand): the kernels behind skinny.c, written
 * once over a small vector vocabulary (VL lanes: VLOAD/VLOADN masked, VFMA, VSET1, VHSUM) that each
 * skinny_<isa>.c defines before including this file under its own -m flags. Three shapes:
 *  axpy: C (M ≤ 8 rows) += Apacked · B rows, B row-major streamed once in k blocks, C chunks in registers;
 *  dot:  C[i][j] = A row i · B row j (both contiguous along k), MI×JB horizontal sums per tile;
 *  col:  C[i..i+VL)[j] for op(A) = Aᵀ (contiguous along m), JB broadcast columns of a small row-major B.
 * Bottleneck: memory bandwidth for axpy/dot at small M (each weight used M times), FMA issue otherwise. */
#include "../dlb.h"

#ifndef SK
#error "define SK(name), VL and the vector macros before including skinny_impl.h"
#endif

#define INLINE static inline __attribute__((always_inline))
/* Fully unrolls the loop it prefixes (trip counts here are template constants). */
#define UNROLL _Pragma("GCC unroll 32")

/* ---- axpy: C[0..M)[chunk] (+)= Σ_{p<kb} ap[p·M+i] · b[p·rsb + chunk] ---- */
INLINE void axpy_chunk(const int M, const int U, const int masked, long kb, const float *restrict ap,
                       const float *restrict b, long rsb, float *restrict c, long ldc, int load_c, long rem) {
  vf acc[8][AXPY_UMAX];
  UNROLL for (int i = 0; i < M; i++) {
    UNROLL for (int u = 0; u < U; u++) acc[i][u] = !load_c  ? VZERO()
                                                   : masked ? VLOADN(c + i * ldc, rem)
                                                            : VLOAD(c + i * ldc + u * VL);
  }
  for (long p = 0; p < kb; p++) {
    const float *bp = b + p * rsb;
    vf bv[AXPY_UMAX];
    UNROLL for (int u = 0; u < U; u++) bv[u] = masked ? VLOADN(bp, rem) : VLOAD(bp + u * VL);
    const float *a = ap + p * M;
    UNROLL for (int i = 0; i < M; i++) {
      const vf av = VSET1(a[i]);
      UNROLL for (int u = 0; u < U; u++) acc[i][u] = VFMA(av, bv[u], acc[i][u]);
    }
  }
  UNROLL for (int i = 0; i < M; i++) {
    UNROLL for (int u = 0; u < U; u++) {
      if (masked)
        VSTOREN(c + i * ldc, acc[i][u], rem);
      else
        VSTORE(c + i * ldc + u * VL, acc[i][u]);
    }
  }
}

/* Columns [j0, j1) in chunks of U vectors, then single vectors, then one masked vector. */
#define AXPY_FN(M, U)                                                                                       \
  static void SK(axpy_##M)(long kb, const float *ap, const float *b, long rsb, float *c, long ldc, long j0, \
                           long j1, int load_c) {                                                           \
    long j = j0;                                                                                            \
    for (; j + VL * (U) <= j1; j += VL * (U))                                                               \
      axpy_chunk(M, U, 0, kb, ap, b + j, rsb, c + j, ldc, load_c, 0);                                       \
    for (; j + VL <= j1; j += VL) axpy_chunk(M, 1, 0, kb, ap, b + j, rsb, c + j, ldc, load_c, 0);           \
    if (j < j1) axpy_chunk(M, 1, 1, kb, ap, b + j, rsb, c + j, ldc, load_c, j1 - j);                        \
  }
AXPY_FN(1, AXPY_U_2)
AXPY_FN(2, AXPY_U_2)
AXPY_FN(3, AXPY_U_4)
AXPY_FN(4, AXPY_U_4)
AXPY_FN(5, AXPY_U_8)
AXPY_FN(6, AXPY_U_8)
AXPY_FN(7, AXPY_U_8)
AXPY_FN(8, AXPY_U_8)

static void SK(axpy)(int m, long kb, const float *ap, const float *b, long rsb, float *c, long ldc, long j0,
                     long j1, int load_c) {
  typedef void (*fn)(long, const float *, const float *, long, float *, long, long, long, int);
  static const fn table[8] = {SK(axpy_1), SK(axpy_2), SK(axpy_3), SK(axpy_4),
                              SK(axpy_5), SK(axpy_6), SK(axpy_7), SK(axpy_8)};
  table[m - 1](kb, ap, b, rsb, c, ldc, j0, j1, load_c);
}

/* ---- dot: C[i][j] (+)= Σ_p a[i·lda + p] · b[j·ldb + p], an MI×JB tile ---- */
INLINE void dot_tile(const int MI, const int JB, long k, const float *restrict a, long lda,
                     const float *restrict b, long ldb, float *restrict c, long ldc, int beta) {
  vf acc[4][6];
  UNROLL for (int i = 0; i < MI; i++) { UNROLL for (int j = 0; j < JB; j++) acc[i][j] = VZERO(); }
  long p = 0;
  for (; p + VL <= k; p += VL) {
    vf av[4], bv[6];
    UNROLL for (int i = 0; i < MI; i++) av[i] = VLOAD(a + i * lda + p);
    UNROLL for (int j = 0; j < JB; j++) bv[j] = VLOAD(b + j * ldb + p);
    UNROLL for (int i = 0; i < MI; i++) {
      UNROLL for (int j = 0; j < JB; j++) acc[i][j] = VFMA(av[i], bv[j], acc[i][j]);
    }
  }
  if (p < k) { /* zero-filled lanes add nothing */
    vf av[4], bv[6];
    UNROLL for (int i = 0; i < MI; i++) av[i] = VLOADN(a + i * lda + p, k - p);
    UNROLL for (int j = 0; j < JB; j++) bv[j] = VLOADN(b + j * ldb + p, k - p);
    UNROLL for (int i = 0; i < MI; i++) {
      UNROLL for (int j = 0; j < JB; j++) acc[i][j] = VFMA(av[i], bv[j], acc[i][j]);
    }
  }
  UNROLL for (int i = 0; i < MI; i++) {
    UNROLL for (int j = 0; j < JB; j++) {
      const float s = VHSUM(acc[i][j]);
      c[i * ldc + j] = beta ? c[i * ldc + j] + s : s;
    }
  }
}

#define DOT_FN(MI, JB)                                                                                  \
  static void SK(dot_##MI##x##JB)(long k, const float *a, long lda, const float *b, long ldb, float *c, \
                                  long ldc, int beta) {                                                 \
    dot_tile(MI, JB, k, a, lda, b, ldb, c, ldc, beta);                                                  \
  }
#if DOT_JB > 4
#define DOT_FNS 6
#define DOT_ROW(MI) DOT_FN(MI, 1) DOT_FN(MI, 2) DOT_FN(MI, 3) DOT_FN(MI, 4) DOT_FN(MI, 5) DOT_FN(MI, 6)
#define DOT_TABLE_ROW(MI)                                                                     \
  {                                                                                           \
    SK(dot_##MI##x1), SK(dot_##MI##x2), SK(dot_##MI##x3), SK(dot_##MI##x4), SK(dot_##MI##x5), \
        SK(dot_##MI##x6)                                                                      \
  }
#else
#define DOT_FNS 4
#define DOT_ROW(MI) DOT_FN(MI, 1) DOT_FN(MI, 2) DOT_FN(MI, 3) DOT_FN(MI, 4)
#define DOT_TABLE_ROW(MI) \
  { SK(dot_##MI##x1), SK(dot_##MI##x2), SK(dot_##MI##x3), SK(dot_##MI##x4) }
#endif
DOT_ROW(1)
DOT_ROW(2)
DOT_ROW(3)
DOT_ROW(4)

static void SK(dot)(int mi, int jb, long k, const float *a, long lda, const float *b, long ldb, float *c,
                    long ldc, int beta) {
  typedef void (*fn)(long, const float *, long, const float *, long, float *, long, int);
  static const fn table[4][DOT_FNS] = {DOT_TABLE_ROW(1), DOT_TABLE_ROW(2), DOT_TABLE_ROW(3),
                                       DOT_TABLE_ROW(4)};
  table[mi - 1][jb - 1](k, a, lda, b, ldb, c, ldc, beta);
}

/* ---- col: C[i][j] (+)= Σ_p a[p·csa + i] · b[p·ldb + j] for h ≤ COL_U·VL rows i, JB columns j.
 * COL_U vectors make a whole 64-byte line of each row of A: less would fetch each line twice. ---- */
INLINE void col_tile(const int JB, const int masked, long k, const float *restrict a, long csa,
                     const float *restrict b, long ldb, float *restrict c, long ldc, int beta, long h) {
  vf acc[COL_U][24];
  UNROLL for (int u = 0; u < COL_U; u++) { UNROLL for (int j = 0; j < JB; j++) acc[u][j] = VZERO(); }
  for (long p = 0; p < k; p++) {
#ifdef COL_PREFETCH
    /* One cache line per row of A, a row stride apart: the hardware prefetchers stop at page
     * boundaries, so ask COL_PREFETCH rows ahead (2500×25×1500: 3.3 → 2.0 ms). */
    __builtin_prefetch(a + (p + COL_PREFETCH) * csa, 0, 3);
#endif
    vf av[COL_U];
    UNROLL for (int u = 0; u < COL_U; u++) {
      const long hu = h - u * VL;
      av[u] = !masked    ? VLOAD(a + p * csa + u * VL)
              : hu >= VL ? VLOAD(a + p * csa + u * VL)
              : hu > 0   ? VLOADN(a + p * csa + u * VL, hu)
                         : VZERO();
    }
    const float *bp = b + p * ldb;
    UNROLL for (int j = 0; j < JB; j++) {
      const vf bj = VSET1(bp[j]);
      UNROLL for (int u = 0; u < COL_U; u++) acc[u][j] = VFMA(av[u], bj, acc[u][j]);
    }
  }
  /* acc[u][j] is a column of C: transpose through a small buffer into C's rows. */
  float t[24][COL_U * VL];
  UNROLL for (int j = 0; j < JB; j++) {
    UNROLL for (int u = 0; u < COL_U; u++) VSTORE(t[j] + u * VL, acc[u][j]);
  }
  for (long i = 0; i < h; i++) {
    UNROLL for (int j = 0; j < JB; j++) c[i * ldc + j] = beta ? c[i * ldc + j] + t[j][i] : t[j][i];
  }
}

#define COL_FN(JB)                                                                                         \
  static void SK(col_##JB)(long k, const float *a, long csa, const float *b, long ldb, float *c, long ldc, \
                           int beta, long h) {                                                             \
    if (h == COL_U * VL)                                                                                   \
      col_tile(JB, 0, k, a, csa, b, ldb, c, ldc, beta, h);                                                 \
    else                                                                                                   \
      col_tile(JB, 1, k, a, csa, b, ldb, c, ldc, beta, h);                                                 \
  }
/* The instantiations and their table, one row per COL_JB tier (kept as laid out). */
/* clang-format off */
COL_FN(1) COL_FN(2) COL_FN(3) COL_FN(4) COL_FN(5) COL_FN(6) COL_FN(7) COL_FN(8)
#if COL_JB >= 12
COL_FN(9) COL_FN(10) COL_FN(11) COL_FN(12)
#endif
#if COL_JB >= 24
COL_FN(13) COL_FN(14) COL_FN(15) COL_FN(16) COL_FN(17) COL_FN(18) COL_FN(19) COL_FN(20) COL_FN(21) COL_FN(22) COL_FN(23) COL_FN(24)
#endif

static void SK(col)(int jb, long k, const float *a, long csa, const float *b, long ldb, float *c, long ldc, int beta, long h) {
  typedef void (*fn)(long, const float *, long, const float *, long, float *, long, int, long);
  static const fn table[] = {
    SK(col_1), SK(col_2), SK(col_3), SK(col_4), SK(col_5), SK(col_6), SK(col_7), SK(col_8),
#if COL_JB >= 12
    SK(col_9), SK(col_10), SK(col_11), SK(col_12),
#endif
#if COL_JB >= 24
    SK(col_13), SK(col_14), SK(col_15), SK(col_16), SK(col_17), SK(col_18), SK(col_19), SK(col_20), SK(col_21), SK(col_22), SK(col_23), SK(col_24),
#endif
  };
  table[jb - 1](k, a, csa, b, ldb, c, ldc, beta, h);
}

/* ---- fcp: a packed fully-connected panel. y[i][0..FCP_NB) (+)= Σ_{p<kb} x[i·ldx+p]·wp[p·FCP_NB + j] for
 * i < m ≤ FCP_MR: the panel's FCP_NB columns lie contiguous per p, so one panel is one sequential
 * stream (what the prefetchers follow best). Up to two rows get two accumulator sets (even and odd p)
 * so the FMA chains are not latency-bound when the stream comes from cache. ---- */
/* Panel width in floats: skinny.c packs the weights for the same FCP_NB. */
#define FCP_NB 64
#define FCP_U (FCP_NB / VL)
INLINE void fcp_rows(const int M, long kb, const float *restrict x, long ldx, const float *restrict wp,
                     float *restrict y, long ldy, int load_y) {
  const int SETS = M <= 2 && FCP_SETS > 1 ? 2 : 1;
  vf acc[FCP_SETS][FCP_MR][FCP_U];
  UNROLL for (int s = 0; s < SETS; s++) {
    UNROLL for (int i = 0; i < M; i++) { UNROLL for (int u = 0; u < FCP_U; u++) acc[s][i][u] = VZERO(); }
  }
  long p = 0;
  for (; p + SETS <= kb; p += SETS) {
    UNROLL for (int s = 0; s < SETS; s++) {
      const float *w = wp + (p + s) * FCP_NB;
#ifdef FCP_PREFETCH
      /* Every line of the row FCP_PREFETCH floats ahead: one stream alone keeps too few misses in
       * flight to fill DRAM's bandwidth, and prefetching far ahead raises that (docs/conv-and-nets.md). */
      UNROLL for (int l = 0; l < FCP_NB; l += 16) __builtin_prefetch(w + FCP_PREFETCH + l, 0, 3);
#endif
      vf wv[FCP_U];
      UNROLL for (int u = 0; u < FCP_U; u++) wv[u] = VLOAD(w + u * VL);
      UNROLL for (int i = 0; i < M; i++) {
        const vf xv = VSET1(x[i * ldx + p + s]);
        UNROLL for (int u = 0; u < FCP_U; u++) acc[s][i][u] = VFMA(xv, wv[u], acc[s][i][u]);
      }
    }
  }
  for (; p < kb; p++) {
    const float *w = wp + p * FCP_NB;
    UNROLL for (int i = 0; i < M; i++) {
      const vf xv = VSET1(x[i * ldx + p]);
      UNROLL for (int u = 0; u < FCP_U; u++) acc[0][i][u] = VFMA(xv, VLOAD(w + u * VL), acc[0][i][u]);
    }
  }
  UNROLL for (int i = 0; i < M; i++) {
    UNROLL for (int u = 0; u < FCP_U; u++) {
      vf v = acc[0][i][u];
      if (SETS > 1) v = VADD(v, acc[SETS - 1][i][u]);
      if (load_y) v = VADD(v, VLOAD(y + i * ldy + u * VL));
      VSTORE(y + i * ldy + u * VL, v);
    }
  }
}

#define FCP_FN(M)                                                                                         \
  static void SK(fcp_##M)(long kb, const float *x, long ldx, const float *wp, float *y, long ldy, int ld) { \
    fcp_rows(M, kb, x, ldx, wp, y, ldy, ld);                                                             \
  }
FCP_FN(1)
#if FCP_MR >= 4
FCP_FN(2)
FCP_FN(3)
FCP_FN(4)
#endif

/* m ≤ FCP_MR rows of one panel: the entry skinny.c's packed fc calls. */
void SK(dlb_fcp)(int m, long kb, const float *x, long ldx, const float *wp, float *y, long ldy, int load_y) {
  typedef void (*fn)(long, const float *, long, const float *, float *, long, int);
#if FCP_MR >= 4
  static const fn table[4] = {SK(fcp_1), SK(fcp_2), SK(fcp_3), SK(fcp_4)};
#else
  static const fn table[1] = {SK(fcp_1)};
#endif
  table[m - 1](kb, x, ldx, wp, y, ldy, load_y);
}
const int SK(dlb_fcp_mr) = FCP_MR;

/* One row against two panels at once: two streams, a panel apart, in flight together. */
void SK(dlb_fcp_pair)(long kb, const float *x, const float *w0, const float *w1, float *y0, float *y1, int load_y) {
  vf a0[FCP_U], a1[FCP_U];
  UNROLL for (int u = 0; u < FCP_U; u++) a0[u] = a1[u] = VZERO();
  for (long p = 0; p < kb; p++) {
    const float *p0 = w0 + p * FCP_NB, *p1 = w1 + p * FCP_NB;
#ifdef FCP_PREFETCH
    UNROLL for (int l = 0; l < FCP_NB; l += 16) {
      __builtin_prefetch(p0 + FCP_PREFETCH + l, 0, 3);
      __builtin_prefetch(p1 + FCP_PREFETCH + l, 0, 3);
    }
#endif
    const vf xv = VSET1(x[p]);
    UNROLL for (int u = 0; u < FCP_U; u++) {
      a0[u] = VFMA(xv, VLOAD(p0 + u * VL), a0[u]);
      a1[u] = VFMA(xv, VLOAD(p1 + u * VL), a1[u]);
    }
  }
  UNROLL for (int u = 0; u < FCP_U; u++) {
    VSTORE(y0 + u * VL, load_y ? VADD(a0[u], VLOAD(y0 + u * VL)) : a0[u]);
    VSTORE(y1 + u * VL, load_y ? VADD(a1[u], VLOAD(y1 + u * VL)) : a1[u]);
  }
}

const dlb_skinny_kernels SK(dlb_skinny) = {SK_NAME, VL, DOT_MI, DOT_JB, COL_U * VL, COL_JB, COL_A_MAX,
                                           SK(axpy), SK(dot), SK(col)};
/* clang-format on */
