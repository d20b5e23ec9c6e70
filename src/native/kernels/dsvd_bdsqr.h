/* The implicit-shift QR iteration on the bidiagonal (Golub–Kahan–Reinsch, Wilkinson shift, zero-
 * shift chase for a zero on the diagonal), the C twin of golub-kahan.ts's iterate(): included by
 * dsvd_impl.h after dlb_drot_sweeps, which it feeds batches of recorded sweeps. The scalar part
 * (shifts, Givens, splitting) is O(n²) in all; in JS it cost as much as the rotations themselves. */
#define DSVD_SWEEP_BATCH 64
#define DSVD_MAX_SWEEPS_PER_VALUE 75

typedef struct {
  double *x;
  long ld, cols, count, n;
  long lo[DSVD_SWEEP_BATCH], hi[DSVD_SWEEP_BATCH];
  double *cs, *sn; /* DSVD_SWEEP_BATCH × n */
} DLB_DSVD(dg_rows);

static void DLB_DSVD(dg_flush)(DLB_DSVD(dg_rows) * r) {
  if (r->count > 0 && r->cols > 0)
    DLB_DSVD(dlb_drot_sweeps)(r->x, r->ld, r->cols, r->count, r->lo, r->hi, r->cs, r->sn, r->n);
  r->count = 0;
}

static void DLB_DSVD(dg_record)(DLB_DSVD(dg_rows) * r, long lo, long hi, const double *c, const double *s) {
  r->lo[r->count] = lo;
  r->hi[r->count] = hi;
  memcpy(r->cs + r->count * r->n + lo, c + lo, (size_t)(hi - lo) * sizeof(double));
  memcpy(r->sn + r->count * r->n + lo, s + lo, (size_t)(hi - lo) * sizeof(double));
  if (++r->count == DSVD_SWEEP_BATCH) DLB_DSVD(dg_flush)(r);
}

/* Rows i and j (not adjacent): x_i ← c·x_i + s·x_j, x_j ← c·x_j − s·x_i. */
static void DLB_DSVD(dg_rotate)(DLB_DSVD(dg_rows) * r, long i, long j, double c, double s) {
  DLB_DSVD(dg_flush)(r);
  double *xi = r->x + i * r->ld, *xj = r->x + j * r->ld;
  for (long t = 0; t < r->cols; t++) {
    const double a = xi[t], b = xj[t];
    xi[t] = c * a + s * b;
    xj[t] = c * b - s * a;
  }
}

/* c·y + s·z = r, −s·y + c·z = 0. The bidiagonal is scaled to O(1), so the plain root is safe
 * except for entries far below 1e-150, which take hypot. */
static inline double DLB_DSVD(dg_givens)(double y, double z, double *c, double *s) {
  if (z == 0) {
    *c = 1;
    *s = 0;
    return y;
  }
  const double ay = fabs(y), az = fabs(z), m = ay > az ? ay : az;
  const double r = m > 1e-150 && m < 1e150 ? sqrt(y * y + z * z) : hypot(y, z);
  *c = y / r;
  *s = z / r;
  return r;
}

static double DLB_DSVD(dg_bnorm)(const double *d, const double *e, long n) {
  double an = 0;
  for (long i = 0; i < n; i++) {
    const double t = fabs(d[i]) + (i < n - 1 ? fabs(e[i]) : 0);
    an = t > an ? t : an;
  }
  return an;
}

/* One implicit-shift sweep over lo..hi; records the right (cv, sv) and left (cu, su) rotations. */
static void DLB_DSVD(dg_qr_sweep)(double *d, double *e, long lo, long hi, double *cu, double *su, double *cv,
                                  double *sv) {
  const double dm = d[hi - 1], em = e[hi - 1], dn = d[hi], emp = hi - 2 >= lo ? e[hi - 2] : 0;
  const double t11 = dm * dm + emp * emp, t12 = dm * em, t22 = dn * dn + em * em;
  const double half = (t11 - t22) / 2, root = hypot(half, t12);
  double den = half + (half >= 0 ? root : -root);
  if (den == 0) den = 4.9406564584124654e-324;
  const double mu = t22 - t12 * t12 / den;
  double y = d[lo] * d[lo] - mu, z = d[lo] * e[lo];
  for (long k = lo; k < hi; k++) {
    double c, s;
    double r = DLB_DSVD(dg_givens)(y, z, &c, &s);
    if (k > lo) e[k - 1] = r;
    const double dk = d[k], ek = e[k];
    y = c * dk + s * ek;
    e[k] = c * ek - s * dk;
    z = s * d[k + 1];
    d[k + 1] = c * d[k + 1];
    cv[k] = c;
    sv[k] = s;
    r = DLB_DSVD(dg_givens)(y, z, &c, &s);
    d[k] = r;
    const double ek2 = e[k], dk1 = d[k + 1];
    e[k] = c * ek2 + s * dk1;
    d[k + 1] = c * dk1 - s * ek2;
    if (k < hi - 1) {
      z = s * e[k + 1];
      e[k + 1] = c * e[k + 1];
      y = e[k];
    }
    cu[k] = c;
    su[k] = s;
  }
}

/* Diagonalizes bidiag(d, e) (n values) in place; ut (n rows of cu, stride ldu) and vt (n rows of cv,
 * stride ldv) are Uᵀ and Vᵀ, their rows rotated. The singular values are not yet sorted or made
 * non-negative. 0; −1 no convergence; −2 out of memory. */
static int DLB_DSVD(dlb_dbdsqr)(double *d, double *e, long n, double *ut, long ldu, long cu, double *vt,
                                long ldv, long cv) {
  if (n <= 1) return 0;
  const double eps = 0x1p-52;
  DLB_DSVD(dg_rows)
  u = {ut, ldu, cu, 0, n, {0}, {0}, NULL, NULL}, v = {vt, ldv, cv, 0, n, {0}, {0}, NULL, NULL};
  double *buf = malloc((size_t)(4 * DSVD_SWEEP_BATCH * n + 4 * n) * sizeof(double));
  if (!buf) return -2;
  u.cs = buf;
  u.sn = u.cs + DSVD_SWEEP_BATCH * n;
  v.cs = u.sn + DSVD_SWEEP_BATCH * n;
  v.sn = v.cs + DSVD_SWEEP_BATCH * n;
  double *ccu = v.sn + DSVD_SWEEP_BATCH * n, *ssu = ccu + n, *ccv = ssu + n, *ssv = ccv + n;
  /* The shift squares entries: run on B scaled to O(1) by a power of two (as LAPACK's bdsqr). */
  const double an = DLB_DSVD(dg_bnorm)(d, e, n);
  const int p = an > 0 && isfinite(an) ? (int)lround(log2(an)) : 0;
  if (p != 0) {
    DLB_DSVD(dg_scale)(d, n, -p);
    DLB_DSVD(dg_scale)(e, n - 1, -p);
  }
  const double tiny = eps * DLB_DSVD(dg_bnorm)(d, e, n);
  long budget = DSVD_MAX_SWEEPS_PER_VALUE * n, hi = n - 1;
  int rc = 0;
  while (hi > 0) {
    for (long i = 0; i < hi; i++)
      if (fabs(e[i]) <= eps * (fabs(d[i]) + fabs(d[i + 1])) || fabs(e[i]) <= tiny) e[i] = 0;
    if (e[hi - 1] == 0) {
      hi--;
      continue;
    }
    long lo = hi - 1;
    while (lo > 0 && e[lo - 1] != 0) lo--;
    if (--budget < 0) {
      rc = -1;
      break;
    }
    long zero = -1;
    for (long i = lo; i <= hi; i++)
      if (fabs(d[i]) <= tiny) {
        zero = i;
        break;
      }
    if (zero >= 0) {
      d[zero] = 0;
      if (zero < hi) {
        /* Left rotations of rows (j, zero), j = zero+1..hi, move e[zero] off the band. */
        double f = e[zero];
        e[zero] = 0;
        for (long j = zero + 1; j <= hi && f != 0; j++) {
          double c, s;
          d[j] = DLB_DSVD(dg_givens)(d[j], f, &c, &s);
          if (j < hi) {
            f = -s * e[j];
            e[j] = c * e[j];
          }
          DLB_DSVD(dg_rotate)(&u, j, zero, c, s);
        }
      } else {
        /* Right rotations of columns (j, hi), j = hi−1..lo, move e[hi−1] off the band. */
        double f = e[hi - 1];
        e[hi - 1] = 0;
        for (long j = hi - 1; j >= lo && f != 0; j--) {
          double c, s;
          d[j] = DLB_DSVD(dg_givens)(d[j], f, &c, &s);
          if (j > lo) {
            f = -s * e[j - 1];
            e[j - 1] = c * e[j - 1];
          }
          DLB_DSVD(dg_rotate)(&v, j, hi, c, s);
        }
      }
      continue;
    }
    DLB_DSVD(dg_qr_sweep)(d, e, lo, hi, ccu, ssu, ccv, ssv);
    DLB_DSVD(dg_record)(&u, lo, hi, ccu, ssu);
    DLB_DSVD(dg_record)(&v, lo, hi, ccv, ssv);
  }
  DLB_DSVD(dg_flush)(&u);
  DLB_DSVD(dg_flush)(&v);
  if (p != 0) DLB_DSVD(dg_scale)(d, n, p);
  free(buf);
  return rc;
}
