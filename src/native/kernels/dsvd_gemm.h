/* Packed float64 GEMM for the blocked SVD (included by dsvd_impl.h under each ISA's flags): BLIS
 * loop order (NC → KC → MC → NR → MR), operands packed from any strides so transposes cost
 * nothing extra. The micro-tile is written with GCC vector types: 8×24 under AVX-512 (24 zmm
 * accumulators, two full-width FMA pipes), 4×8 elsewhere so AVX2's 16 ymm registers hold it. */
#ifdef __AVX512F__
#define DG_MR 8
#define DG_NV 3
#else
#define DG_MR 4
#define DG_NV 1
#endif
#define DG_NR (8 * DG_NV)
/* A KC×NR micro-panel of B (24 KiB) stays in L1; MC×KC of A (192 KiB) in L2. */
#define DG_KC 128
#define DG_MC 192
#define DG_NC 3072

static void DLB_DSVD(dg_micro)(long kc, const double *restrict ap, const double *restrict bp,
                               double *restrict c, long ldc, long mr, long nr, double alpha) {
  dsvd_v8 acc[DG_MR][DG_NV];
  for (int i = 0; i < DG_MR; i++)
    for (int v = 0; v < DG_NV; v++) acc[i][v] = (dsvd_v8){0};
  for (long p = 0; p < kc; p++) {
    dsvd_v8 b[DG_NV];
    for (int v = 0; v < DG_NV; v++) b[v] = DSVD_LOAD(bp + p * DG_NR + 8 * v);
    for (int i = 0; i < DG_MR; i++) {
      const dsvd_v8 a = (dsvd_v8){0} + ap[p * DG_MR + i];
      for (int v = 0; v < DG_NV; v++) acc[i][v] += a * b[v];
    }
  }
  if (mr == DG_MR && nr == DG_NR) {
    for (int i = 0; i < DG_MR; i++)
      for (int v = 0; v < DG_NV; v++) {
        double *ci = c + i * ldc + 8 * v;
        DSVD_STORE(ci, DSVD_LOAD(ci) + alpha * acc[i][v]);
      }
    return;
  }
  double t[DG_MR * DG_NR];
  for (int i = 0; i < DG_MR; i++)
    for (int v = 0; v < DG_NV; v++) DSVD_STORE(t + i * DG_NR + 8 * v, acc[i][v]);
  for (long i = 0; i < mr; i++)
    for (long j = 0; j < nr; j++) c[i * ldc + j] += alpha * t[i * DG_NR + j];
}

/* MR-row slivers, zero-padded: ap[sliver][p][ii]. */
static void DLB_DSVD(dg_pack_a)(long mc, long kc, const double *a, long rsa, long csa, double *restrict ap) {
  for (long i0 = 0; i0 < mc; i0 += DG_MR) {
    const long mr = mc - i0 < DG_MR ? mc - i0 : DG_MR;
    for (long p = 0; p < kc; p++) {
      long ii = 0;
      for (; ii < mr; ii++) ap[p * DG_MR + ii] = a[(i0 + ii) * rsa + p * csa];
      for (; ii < DG_MR; ii++) ap[p * DG_MR + ii] = 0;
    }
    ap += DG_MR * kc;
  }
}

/* NR-column slivers, zero-padded: bp[sliver][p][jj]. */
static void DLB_DSVD(dg_pack_b)(long kc, long nc, const double *b, long rsb, long csb, double *restrict bp) {
  for (long j0 = 0; j0 < nc; j0 += DG_NR) {
    const long nr = nc - j0 < DG_NR ? nc - j0 : DG_NR;
    for (long p = 0; p < kc; p++) {
      const double *bj = b + p * rsb + j0 * csb;
      long jj = 0;
      if (csb == 1)
        for (; jj < nr; jj++) bp[p * DG_NR + jj] = bj[jj];
      else
        for (; jj < nr; jj++) bp[p * DG_NR + jj] = bj[jj * csb];
      for (; jj < DG_NR; jj++) bp[p * DG_NR + jj] = 0;
    }
    bp += DG_NR * kc;
  }
}

static void DLB_DSVD(dlb_dgemm)(long M, long N, long K, double alpha, const double *a, long rsa, long csa,
                                const double *b, long rsb, long csb, double *c, long ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return;
  const long nc_max = N < DG_NC ? N : DG_NC, kc_max = K < DG_KC ? K : DG_KC;
  const long nc_pad = (nc_max + DG_NR - 1) / DG_NR * DG_NR;
  const long mc_max = M < DG_MC ? M : DG_MC, mc_pad = (mc_max + DG_MR - 1) / DG_MR * DG_MR;
  double *bp = aligned_alloc(64, ((size_t)(kc_max * nc_pad) * 8 + 63) / 64 * 64);
  double *ap = aligned_alloc(64, ((size_t)(kc_max * mc_pad) * 8 + 63) / 64 * 64);
  if (!bp || !ap) {
    /* Out of memory for the packs: the plain triple loop still gives the right answer. */
    free(bp);
    free(ap);
    for (long i = 0; i < M; i++)
      for (long p = 0; p < K; p++) {
        const double s = alpha * a[i * rsa + p * csa];
        for (long j = 0; j < N; j++) c[i * ldc + j] += s * b[p * rsb + j * csb];
      }
    return;
  }
  for (long jc = 0; jc < N; jc += DG_NC) {
    const long nc = N - jc < DG_NC ? N - jc : DG_NC;
    for (long pc = 0; pc < K; pc += DG_KC) {
      const long kc = K - pc < DG_KC ? K - pc : DG_KC;
      DLB_DSVD(dg_pack_b)(kc, nc, b + pc * rsb + jc * csb, rsb, csb, bp);
      for (long ic = 0; ic < M; ic += DG_MC) {
        const long mc = M - ic < DG_MC ? M - ic : DG_MC;
        DLB_DSVD(dg_pack_a)(mc, kc, a + ic * rsa + pc * csa, rsa, csa, ap);
        for (long jr = 0; jr < nc; jr += DG_NR) {
          const long nr = nc - jr < DG_NR ? nc - jr : DG_NR;
          for (long ir = 0; ir < mc; ir += DG_MR) {
            const long mr = mc - ir < DG_MR ? mc - ir : DG_MR;
            DLB_DSVD(dg_micro)
            (kc, ap + ir * kc, bp + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, mr, nr, alpha);
          }
        }
      }
    }
  }
  free(bp);
  free(ap);
}
