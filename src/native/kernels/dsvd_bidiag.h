/* Blocked bidiagonalization and the explicit Qᵀ/Pᵀ for the float64 full SVD (included by
 * dsvd_impl.h under each ISA's flags; the scheme of LAPACK's dgebrd/dlabrd and dorgbr, row-major
 * and written anew). Unblocked, each reflector reads and writes the whole trailing matrix twice;
 * here a panel of nb reflectors only reads it (two matrix–vector passes per column, against the
 * not-yet-updated matrix plus the panel's corrections X, Y) and the trailing update is two GEMMs
 * of depth nb. Qᵀ and Pᵀ are built from the last block back, nb reflectors at a time as one
 * compact-WY block I − V·T·Vᵀ: two GEMMs per block. */

/* Multiplies by 2^p in two halves (2^p alone is not a double past ±1023): exact. */
static void DLB_DSVD(dg_scale)(double *x, long len, int p) {
  const int h = p / 2;
  for (long i = 0; i < len; i++) x[i] = ldexp(ldexp(x[i], h), p - h);
}

/* Householder reflector of x (len entries, stride s): returns tau and sets *beta so that
 * (I − tau·v·vᵀ)x = beta·e₁, v = (1, x[1..]/(x₀ − beta)) written over x[1..]. Works on x scaled
 * by its largest entry so that squares neither overflow nor underflow. */
static double DLB_DSVD(dg_house)(double *x, long len, long s, double *beta) {
  const double x0 = x[0];
  *beta = x0;
  if (len <= 1) return 0;
  double scale = 0;
  for (long i = 1; i < len; i++) {
    const double t = fabs(x[i * s]);
    scale = t > scale ? t : scale;
  }
  if (scale == 0) return 0;
  scale = fabs(x0) > scale ? fabs(x0) : scale;
  double sum = 0;
  if (scale > 1e-290 && scale < 1e290) {
    const double inv = 1 / scale;
    for (long i = 1; i < len; i++) {
      const double t = x[i * s] * inv;
      sum += t * t;
    }
  } else {
    for (long i = 1; i < len; i++) {
      const double t = x[i * s] / scale;
      sum += t * t;
    }
  }
  const double a0 = x0 / scale, norm = sqrt(a0 * a0 + sum);
  const double b = a0 >= 0 ? -norm : norm;
  const double tau = (b - a0) / b;
  const double denom = (a0 - b) * scale;
  if (fabs(denom) > 1e-290) {
    const double f = 1 / denom;
    for (long i = 1; i < len; i++) x[i * s] *= f;
  } else {
    for (long i = 1; i < len; i++) x[i * s] /= denom;
  }
  *beta = b * scale;
  return tau;
}

/* Σ a[c]·b[c] in eight lanes (GCC does not reassociate a plain sum without -ffast-math, so a
 * scalar loop here runs as an in-order chain). */
static inline double DLB_DSVD(dg_dot)(const double *a, const double *b, long len) {
  dsvd_v8 acc0 = {0}, acc1 = {0};
  long c = 0;
  for (; c + 16 <= len; c += 16) {
    acc0 += DSVD_LOAD(a + c) * DSVD_LOAD(b + c);
    acc1 += DSVD_LOAD(a + c + 8) * DSVD_LOAD(b + c + 8);
  }
  if (c + 8 <= len) {
    acc0 += DSVD_LOAD(a + c) * DSVD_LOAD(b + c);
    c += 8;
  }
  acc0 += acc1;
  double s = 0;
  for (int l = 0; l < 8; l++) s += acc0[l];
  for (; c < len; c++) s += a[c] * b[c];
  return s;
}

/* Rows r0..r1−1 of the fused Level-2 pass of step i (see dg_labrd): X(r, i), then column i+1 of
 * row r brought up to date (when next), and z += a(r, i+1)·A(r, :). Four rows at a time so each
 * load and store of z serves four rows, which are still in L1 from their dot products. */
static void DLB_DSVD(dg_pass)(double *a, long lda, long n, long i, long r0, long r1, const double *u,
                              const double *t3, const double *t4, const double *yn, const double *un,
                              double tp, double *x, long ldw, int next, double *z) {
  const long ulen = n - i - 1;
  long r = r0;
  for (; r < r1; r += 4) {
    const long rows = r1 - r < 4 ? r1 - r : 4;
    double *ar[4], *xr[4], s[4] = {0, 0, 0, 0}, an[4] = {0, 0, 0, 0};
    for (long q = 0; q < 4; q++) {
      const long rr = q < rows ? r + q : r;
      ar[q] = a + rr * lda;
      xr[q] = x + rr * ldw;
    }
    {
      dsvd_v8 acc[4] = {{0}, {0}, {0}, {0}};
      const double *b0 = ar[0] + i + 1, *b1 = ar[1] + i + 1, *b2 = ar[2] + i + 1, *b3 = ar[3] + i + 1;
      long c = 0;
      for (; c + 8 <= ulen; c += 8) {
        const dsvd_v8 uc = DSVD_LOAD(u + c);
        acc[0] += DSVD_LOAD(b0 + c) * uc;
        acc[1] += DSVD_LOAD(b1 + c) * uc;
        acc[2] += DSVD_LOAD(b2 + c) * uc;
        acc[3] += DSVD_LOAD(b3 + c) * uc;
      }
      for (int q = 0; q < 4; q++)
        for (int l = 0; l < 8; l++) s[q] += acc[q][l];
      for (; c < ulen; c++) {
        const double uc = u[c];
        s[0] += b0[c] * uc;
        s[1] += b1[c] * uc;
        s[2] += b2[c] * uc;
        s[3] += b3[c] * uc;
      }
    }
    for (long q = 0; q < rows; q++) {
      const double sq = s[q] - DLB_DSVD(dg_dot)(ar[q], t3, i + 1) - DLB_DSVD(dg_dot)(xr[q], t4, i);
      xr[q][i] = tp * sq;
      if (next) {
        const double t =
            ar[q][i + 1] - DLB_DSVD(dg_dot)(ar[q], yn, i + 1) - DLB_DSVD(dg_dot)(xr[q], un, i + 1);
        ar[q][i + 1] = t;
        an[q] = t;
      }
    }
    if (!next) continue;
    const double *a0 = ar[0], *a1 = ar[1], *a2 = ar[2], *a3 = ar[3];
    const double v0 = an[0], v1 = an[1], v2 = an[2], v3 = an[3];
    for (long c = 0; c < n; c++) z[c] += v0 * a0[c] + v1 * a1[c] + v2 * a2[c] + v3 * a3[c];
  }
}

/* One panel: the first nb columns and rows of the m×n block a (lda, m ≥ n ≥ nb). On return the
 * trailing block equals A − V·Yᵀ − X·U (V: the panel's left vectors, U: its right vectors, the
 * unit entries stored as 1 in a), with X (m×nb) and Y (n×nb) row-major, stride ldw. w: 2m + 2n + 6·nb.
 * Level-2 work: step i needs Aᵀ·v_i (v_i: column i once updated) and A·u_i (u_i: row i). Both go
 * over the rows below i, and row r's entry of column i+1 can be brought up to date as soon as X(r, i)
 * is known, so one pass computes A·u_i and, on the same rows while they are in L1, Aᵀ·a_{i+1} for
 * the not yet normalized column a_{i+1}; the reflector's normalization is applied afterwards
 * (v = (a − a₀e₁)/(a₀ − β) + e₁). One read of the trailing matrix per column instead of two. */
static void DLB_DSVD(dg_labrd)(double *a, long m, long n, long lda, long nb, double *d, double *e,
                               double *tauq, double *taup, double *x, double *y, long ldw, double *w) {
  double *z = w, *vcol = z + n, *ycol = vcol + m, *t2 = ycol + n, *t3 = t2 + nb, *t4 = t3 + nb + 1,
         *ucol = t4 + nb;
  int fused = 0; /* column i is up to date and z = Σ_r a(r, i)·A(r, :) over rows i.. */
  for (long i = 0; i < nb; i++) {
    /* Column i, rows i..m−1: the corrections of the panel's earlier reflectors. */
    if (i > 0 && !fused) {
      for (long j = 0; j < i; j++) ucol[j] = a[j * lda + i];
      const double *yi = y + i * ldw;
      for (long r = i; r < m; r++) {
        double *ar = a + r * lda;
        const double *xr = x + r * ldw;
        double s = 0;
        for (long j = 0; j < i; j++) s += ar[j] * yi[j] + xr[j] * ucol[j];
        ar[i] -= s;
      }
    }
    const double a0 = a[i * lda + i];
    double beta;
    tauq[i] = DLB_DSVD(dg_house)(a + i * lda + i, m - i, lda, &beta);
    d[i] = beta;
    if (i >= n - 1) break;
    a[i * lda + i] = 1;
    const long len = m - i;
    for (long r = 0; r < len; r++) vcol[r] = a[(i + r) * lda + i];
    if (fused && tauq[i] != 0) {
      /* z held Aᵀ·a; v = (a − a₀e₁)/(a₀ − β) + e₁. */
      const double f = 1 / (a0 - beta), *ai = a + i * lda;
      for (long c = 0; c < n; c++) z[c] = (z[c] - a0 * ai[c]) * f + ai[c];
    } else {
      /* z = A(i:m, 0:n)ᵀ·v: one pass over the rows below, four at a time. */
      for (long c = 0; c < n; c++) z[c] = 0;
      long r = 0;
      for (; r + 3 < len; r += 4) {
        const double v0 = vcol[r], v1 = vcol[r + 1], v2 = vcol[r + 2], v3 = vcol[r + 3];
        const double *a0r = a + (i + r) * lda, *a1 = a0r + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        for (long c = 0; c < n; c++) z[c] += v0 * a0r[c] + v1 * a1[c] + v2 * a2[c] + v3 * a3[c];
      }
      for (; r < len; r++) {
        const double v0 = vcol[r], *a0r = a + (i + r) * lda;
        for (long c = 0; c < n; c++) z[c] += v0 * a0r[c];
      }
    }
    for (long j = 0; j < i; j++) t2[j] = 0;
    for (long r = 0; r < len; r++) {
      const double *xr = x + (i + r) * ldw, vr = vcol[r];
      for (long j = 0; j < i; j++) t2[j] += xr[j] * vr;
    }
    for (long c = i + 1; c < n; c++) {
      ycol[c] = z[c] - DLB_DSVD(dg_dot)(y + c * ldw, z, i);
    }
    for (long j = 0; j < i; j++) {
      const double f = t2[j], *aj = a + j * lda;
      for (long c = i + 1; c < n; c++) ycol[c] -= f * aj[c];
    }
    for (long c = 0; c <= i; c++) y[c * ldw + i] = 0;
    for (long c = i + 1; c < n; c++) y[c * ldw + i] = tauq[i] * ycol[c];
    /* Row i, columns i+1..n−1: the corrections, then its right reflector. */
    double *ai = a + i * lda;
    for (long c = i + 1; c < n; c++) {
      ai[c] -= DLB_DSVD(dg_dot)(y + c * ldw, ai, i + 1);
    }
    for (long j = 0; j < i; j++) {
      const double f = x[i * ldw + j], *aj = a + j * lda;
      for (long c = i + 1; c < n; c++) ai[c] -= f * aj[c];
    }
    taup[i] = DLB_DSVD(dg_house)(ai + i + 1, n - i - 1, 1, &beta);
    e[i] = beta;
    ai[i + 1] = 1;
    const double *u = ai + i + 1;
    const long ulen = n - i - 1;
    for (long j = 0; j <= i; j++) t3[j] = 0;
    for (long c = 0; c < ulen; c++) {
      const double *yc = y + (i + 1 + c) * ldw, uc = u[c];
      for (long j = 0; j <= i; j++) t3[j] += yc[j] * uc;
    }
    for (long j = 0; j < i; j++) t4[j] = DLB_DSVD(dg_dot)(a + j * lda + i + 1, u, ulen);
    /* X(i+1:m, i) = taup·(A·u − A(:, 0:i]·t3 − X(:, 0:i)·t4), fused with the next column's pass. */
    for (long r = 0; r <= i; r++) x[r * ldw + i] = 0;
    fused = i + 1 < nb;
    if (fused) {
      for (long j = 0; j <= i; j++) ucol[j] = a[j * lda + i + 1];
      for (long c = 0; c < n; c++) z[c] = 0;
    }
    DLB_DSVD(dg_pass)(a, lda, n, i, i + 1, m, u, t3, t4, y + (i + 1) * ldw, ucol, taup[i], x, ldw, fused, z);
  }
}

static int DLB_DSVD(dlb_dbidiag)(double *a, long m, long n, long lda, long nb, double *d, double *e,
                                 double *tauq, double *taup) {
  if (nb < 1) nb = 1;
  if (nb > n) nb = n;
  double *x = calloc((size_t)(m * nb), 8), *y = calloc((size_t)(n * nb), 8),
         *w = malloc((size_t)(2 * m + 2 * n + 6 * nb + 8) * 8);
  if (!x || !y || !w) {
    free(x);
    free(y);
    free(w);
    return -1;
  }
  /* The fused pass forms products of unnormalized entries: far from 1 (1e±150) they would
   * overflow or lose digits to underflow, so such a matrix is scaled by a power of two (exact) and
   * d, e scaled back; the reflectors do not depend on the scale. */
  double amax = 0;
  for (long r = 0; r < m; r++)
    for (long c = 0; c < n; c++) amax = fabs(a[r * lda + c]) > amax ? fabs(a[r * lda + c]) : amax;
  int p = 0;
  if (amax > 0 && isfinite(amax) && (amax < 0x1p-100 || amax > 0x1p100)) {
    (void)frexp(amax, &p);
    for (long r = 0; r < m; r++) DLB_DSVD(dg_scale)(a + r * lda, n, -p);
  }
  for (long k = 0; k < n; k += nb) {
    const long b = n - k < nb ? n - k : nb;
    double *ak = a + k * lda + k;
    DLB_DSVD(dg_labrd)(ak, m - k, n - k, lda, b, d + k, e + k, tauq + k, taup + k, x, y, nb, w);
    if (k + b < n) {
      const long mm = m - k - b, nn = n - k - b;
      double *c = ak + b * lda + b;
      /* A22 −= V·Yᵀ + X·U, the Level-3 part. */
      DLB_DSVD(dlb_dgemm)(mm, nn, b, -1, ak + b * lda, lda, 1, y + b * nb, 1, nb, c, lda);
      DLB_DSVD(dlb_dgemm)(mm, nn, b, -1, x + b * nb, nb, 1, ak + b, lda, 1, c, lda);
    }
    for (long j = k; j < k + b; j++) {
      a[j * lda + j] = d[j];
      if (j + 1 < n) a[j * lda + j + 1] = e[j];
    }
  }
  if (p != 0) {
    DLB_DSVD(dg_scale)(d, n, p);
    DLB_DSVD(dg_scale)(e, n - 1, p);
    for (long j = 0; j < n; j++) {
      a[j * lda + j] = d[j];
      if (j + 1 < n) a[j * lda + j + 1] = e[j];
    }
  }
  free(x);
  free(y);
  free(w);
  return 0;
}

/* out (nv×dim, ldo) = [I 0]·H_{nv−1}·…·H₀, H_j = I − tau_j·v_j·v_jᵀ with v_j = (0…0, 1 at j,
 * src[p·sp + j·sj] for p > j): the transpose of H₀·…·H_{nv−1}·[I; 0]. */
static int DLB_DSVD(dg_form)(const double *src, long sp, long sj, const double *tau, long nv, long dim,
                             long nb, double *out, long ldo) {
  if (nb < 1) nb = 1;
  if (nb > nv) nb = nv > 0 ? nv : 1;
  for (long r = 0; r < nv; r++)
    for (long c = 0; c < dim; c++) out[r * ldo + c] = r == c;
  if (nv == 0) return 0;
  double *vb = malloc((size_t)(dim * nb) * 8), *t = malloc((size_t)(2 * nb * nb + nb) * 8),
         *wk = malloc((size_t)(nv * nb) * 8);
  if (!vb || !t || !wk) {
    free(vb);
    free(t);
    free(wk);
    return -1;
  }
  const long last = (nv - 1) / nb * nb;
  for (long k = last; k >= 0; k -= nb) {
    const long b = nv - k < nb ? nv - k : nb, len = dim - k, rows = nv - k;
    /* V (len×b, row-major): unit diagonal, zeros above. */
    for (long p = 0; p < len; p++)
      for (long j = 0; j < b; j++) vb[p * b + j] = p < j ? 0 : p == j ? 1 : src[(k + p) * sp + (k + j) * sj];
    /* T upper triangular with H_k·…·H_{k+b−1} = I − V·T·Vᵀ (forward accumulation). */
    for (long j = 0; j < b; j++) {
      const double tj = tau[k + j];
      t[j * b + j] = tj;
      if (j == 0) continue;
      double *col = wk; /* Vᵀv_j, then T(0:j, j) */
      for (long l = 0; l < j; l++) col[l] = 0;
      for (long p = j; p < len; p++) {
        const double vj = vb[p * b + j];
        for (long l = 0; l < j; l++) col[l] += vb[p * b + l] * vj;
      }
      for (long l = 0; l < j; l++) {
        double s = 0;
        for (long q = l; q < j; q++) s += t[l * b + q] * col[q];
        t[l * b + j] = -tj * s;
      }
      for (long l = j + 1; l < b; l++) t[l * b + j] = 0;
    }
    for (long l = 1; l < b; l++)
      for (long q = 0; q < l; q++) t[l * b + q] = 0;
    double *r0 = out + k * ldo + k;
    /* W = R·V, W ← W·Tᵀ, R −= W·Vᵀ. */
    for (long i = 0; i < rows * b; i++) wk[i] = 0;
    DLB_DSVD(dlb_dgemm)(rows, b, len, 1, r0, ldo, 1, vb, b, 1, wk, b);
    /* W·Tᵀ row by row as axpys over Tᵀ's rows (contiguous, so they vectorize). */
    double *tt = t + nb * nb, *tmp = tt + nb * nb;
    for (long l = 0; l < b; l++)
      for (long j = 0; j < b; j++) tt[l * b + j] = t[j * b + l];
    for (long i = 0; i < rows; i++) {
      double *wi = wk + i * b;
      for (long j = 0; j < b; j++) tmp[j] = 0;
      for (long l = 0; l < b; l++) {
        const double f = wi[l], *tl = tt + l * b;
        for (long j = 0; j <= l; j++) tmp[j] += f * tl[j];
      }
      for (long j = 0; j < b; j++) wi[j] = tmp[j];
    }
    DLB_DSVD(dlb_dgemm)(rows, len, b, -1, wk, b, 1, vb, 1, b, r0, ldo);
  }
  free(vb);
  free(t);
  free(wk);
  return 0;
}

static int DLB_DSVD(dlb_dform)(const double *a, long m, long n, long lda, long nb, const double *tauq,
                               const double *taup, double *qt, long ldq, double *pt, long ldp) {
  if (DLB_DSVD(dg_form)(a, lda, 1, tauq, n, m, nb, qt, ldq)) return -1;
  for (long c = 0; c < n; c++) pt[c] = c == 0;
  for (long r = 1; r < n; r++) pt[r * ldp] = 0;
  return n > 1 ? DLB_DSVD(dg_form)(a + 1, 1, lda, taup, n - 1, n - 1, nb, pt + ldp + 1, ldp) : 0;
}
