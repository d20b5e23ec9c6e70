/* Float64 SVD glue: the reflector and rotation-sweep kernels (kernels/dsvd_impl.h). */
#include <string.h>
#include "kernels/dsvd_blocked.h"
#include "napi_util.h"

/* The f64 SVD kernels of isa, or NULL after throwing. */
static const dlb_dsvd_kernels *dsvd_kernels(napi_env env, napi_value v) {
  int isa;
  if (!parse_isa(env, v, &isa)) return NULL;
  const dlb_isa_ops *ops = dlb_isa_ops_for(isa);
  if (!ops) fail(env, "dlbench native: this CPU lacks the requested ISA");
  return ops ? ops->dsvd : NULL;
}

/* dreflectLeft(isa, x, ld, r0, len, c0, cols, v, beta, acc): rows r0..r0+len−1, columns c0..c0+cols−1. */
napi_value js_dreflect_left(napi_env env, napi_callback_info info) {
  napi_value a[10];
  double *x, *v, *acc, beta;
  size_t xl, vl, al;
  long ld, r0, len, c0, cols;
  if (!get_args(env, info, 10, a)) return NULL;
  const dlb_dsvd_kernels *k = dsvd_kernels(env, a[0]);
  if (!k || !get_f64(env, a[1], &x, &xl) || !get_long(env, a[2], &ld) || !get_long(env, a[3], &r0) ||
      !get_long(env, a[4], &len) || !get_long(env, a[5], &c0) || !get_long(env, a[6], &cols) ||
      !get_f64(env, a[7], &v, &vl) || !get_dbl(env, a[8], &beta) || !get_f64(env, a[9], &acc, &al))
    return NULL;
  if (len < 0 || cols < 0 || ld < cols || c0 < 0 || r0 < 0)
    return fail(env, "dlbench native: dreflectLeft: bad block");
  if (len == 0 || cols == 0) return NULL;
  if (!view_fits(r0 * ld + c0, len, cols, ld, 1, xl) || (size_t)len > vl || (size_t)cols > al)
    return fail(env, "dlbench native: dreflectLeft: block, v or acc runs past its array");
  k->reflect_left(x, ld, r0, len, c0, cols, v, beta, acc);
  return NULL;
}

/* dreflectRight(isa, x, ld, r0, r1, c0, len, v, beta): rows r0..r1−1, columns c0..c0+len−1. */
napi_value js_dreflect_right(napi_env env, napi_callback_info info) {
  napi_value a[9];
  double *x, *v, beta;
  size_t xl, vl;
  long ld, r0, r1, c0, len;
  if (!get_args(env, info, 9, a)) return NULL;
  const dlb_dsvd_kernels *k = dsvd_kernels(env, a[0]);
  if (!k || !get_f64(env, a[1], &x, &xl) || !get_long(env, a[2], &ld) || !get_long(env, a[3], &r0) ||
      !get_long(env, a[4], &r1) || !get_long(env, a[5], &c0) || !get_long(env, a[6], &len) ||
      !get_f64(env, a[7], &v, &vl) || !get_dbl(env, a[8], &beta))
    return NULL;
  if (r0 < 0 || r1 < r0 || len < 0 || ld < len || c0 < 0)
    return fail(env, "dlbench native: dreflectRight: bad block");
  if (r1 == r0 || len == 0) return NULL;
  if (!view_fits(r0 * ld + c0, r1 - r0, len, ld, 1, xl) || (size_t)len > vl)
    return fail(env, "dlbench native: dreflectRight: block or v runs past its array");
  k->reflect_right(x, ld, r0, r1, c0, len, v, beta);
  return NULL;
}

/* drotSweeps(isa, x, ld, cols, count, lo, hi, cs, sn, stride): `count` QR sweeps on rows of x;
 * sweep q rotates rows (k, k+1) for k = lo[q]..hi[q]−1 with cs/sn[q·stride + k]. lo, hi: Float64Array. */
#define DSVD_MAX_SWEEPS 256
napi_value js_drot_sweeps(napi_env env, napi_callback_info info) {
  napi_value a[10];
  double *x, *lod, *hid, *cs, *sn;
  size_t xl, ll, hl, cl, sl;
  long ld, cols, count, stride, lo[DSVD_MAX_SWEEPS], hi[DSVD_MAX_SWEEPS];
  if (!get_args(env, info, 10, a)) return NULL;
  const dlb_dsvd_kernels *k = dsvd_kernels(env, a[0]);
  if (!k || !get_f64(env, a[1], &x, &xl) || !get_long(env, a[2], &ld) || !get_long(env, a[3], &cols) ||
      !get_long(env, a[4], &count) || !get_f64(env, a[5], &lod, &ll) || !get_f64(env, a[6], &hid, &hl) ||
      !get_f64(env, a[7], &cs, &cl) || !get_f64(env, a[8], &sn, &sl) || !get_long(env, a[9], &stride))
    return NULL;
  if (count < 0 || count > DSVD_MAX_SWEEPS || (size_t)count > ll || (size_t)count > hl || cols < 0 ||
      ld < cols || stride < 0)
    return fail(env, "dlbench native: drotSweeps: bad count, cols, ld or stride");
  if (count == 0 || cols == 0) return NULL;
  for (long q = 0; q < count; q++) {
    lo[q] = (long)lod[q];
    hi[q] = (long)hid[q];
    if (lo[q] != lod[q] || hi[q] != hid[q] || lo[q] < 0 || hi[q] < lo[q] || hi[q] > stride ||
        !view_fits(lo[q] * ld, hi[q] - lo[q] + 1, cols, ld, 1, xl) ||
        (double)q * stride + hi[q] > (double)cl || (double)q * stride + hi[q] > (double)sl)
      return fail(env, "dlbench native: drotSweeps: a sweep's rows, cs or sn run past their arrays");
  }
  k->rot_sweeps(x, ld, cols, count, lo, hi, cs, sn, stride);
  return NULL;
}
/* The blocked f64 SVD routines of isa (kernels/dsvd_blocked.h), or NULL after throwing. */
static const dlb_dsvd_blocked *dsvd_blocked(napi_env env, napi_value v) {
  int isa;
  if (!parse_isa(env, v, &isa)) return NULL;
  if (!dlb_isa_ops_for(isa)) {
    fail(env, "dlbench native: this CPU lacks the requested ISA");
    return NULL;
  }
  return isa == DLB_ISA_AVX512 ? &dlb_dsvd_blocked_avx512
         : isa == DLB_ISA_AVX2 ? &dlb_dsvd_blocked_avx2
                               : &dlb_dsvd_blocked_scalar;
}

/* dgemm(isa, m, n, k, alpha, a, rsa, csa, b, rsb, csb, c, ldc): C += alpha·A·B, any strides ≥ 0. */
napi_value js_dgemm(napi_env env, napi_callback_info info) {
  napi_value a[13];
  double *x, *y, *c, alpha;
  size_t xl, yl, cl;
  long m, n, k, rsa, csa, rsb, csb, ldc;
  if (!get_args(env, info, 13, a)) return NULL;
  const dlb_dsvd_blocked *bk = dsvd_blocked(env, a[0]);
  if (!bk || !get_long(env, a[1], &m) || !get_long(env, a[2], &n) || !get_long(env, a[3], &k) ||
      !get_dbl(env, a[4], &alpha) || !get_f64(env, a[5], &x, &xl) || !get_long(env, a[6], &rsa) ||
      !get_long(env, a[7], &csa) || !get_f64(env, a[8], &y, &yl) || !get_long(env, a[9], &rsb) ||
      !get_long(env, a[10], &csb) || !get_f64(env, a[11], &c, &cl) || !get_long(env, a[12], &ldc))
    return NULL;
  if (m < 0 || n < 0 || k < 0 || rsa < 0 || csa < 0 || rsb < 0 || csb < 0 || ldc < n)
    return fail(env, "dlbench native: dgemm: bad sizes or strides");
  if (m == 0 || n == 0 || k == 0) return NULL;
  if (!view_fits(0, m, k, rsa, csa, xl) || !view_fits(0, k, n, rsb, csb, yl) ||
      !view_fits(0, m, n, ldc, 1, cl))
    return fail(env, "dlbench native: dgemm: an operand runs past its array");
  bk->gemm(m, n, k, alpha, x, rsa, csa, y, rsb, csb, c, ldc);
  return NULL;
}

/* dbidiag(isa, a, m, n, nb, d, e, tauq, taup): a (m×n row-major, m ≥ n ≥ 1) = Q·B·Pᵀ in place. */
napi_value js_dbidiag(napi_env env, napi_callback_info info) {
  napi_value a[9];
  double *x, *d, *e, *tq, *tp;
  size_t xl, dl, el, tql, tpl;
  long m, n, nb;
  if (!get_args(env, info, 9, a)) return NULL;
  const dlb_dsvd_blocked *bk = dsvd_blocked(env, a[0]);
  if (!bk || !get_f64(env, a[1], &x, &xl) || !get_long(env, a[2], &m) || !get_long(env, a[3], &n) ||
      !get_long(env, a[4], &nb) || !get_f64(env, a[5], &d, &dl) || !get_f64(env, a[6], &e, &el) ||
      !get_f64(env, a[7], &tq, &tql) || !get_f64(env, a[8], &tp, &tpl))
    return NULL;
  if (n < 1 || m < n) return fail(env, "dlbench native: dbidiag: needs m >= n >= 1");
  if ((double)m * n > (double)xl || (size_t)n > dl || (size_t)n > tql || (size_t)(n - 1) > el ||
      (size_t)(n - 1) > tpl)
    return fail(env, "dlbench native: dbidiag: a, d, e, tauq or taup is too short");
  if (bk->bidiag(x, m, n, n, nb, d, e, tq, tp)) return fail(env, "dlbench native: dbidiag: out of memory");
  return NULL;
}

/* dformQP(isa, a, m, n, nb, tauq, taup, qt, pt): Qᵀ (n×m) and Pᵀ (n×n) from dbidiag's output. */
napi_value js_dform_qp(napi_env env, napi_callback_info info) {
  napi_value a[9];
  double *x, *tq, *tp, *qt, *pt;
  size_t xl, tql, tpl, ql, pl;
  long m, n, nb;
  if (!get_args(env, info, 9, a)) return NULL;
  const dlb_dsvd_blocked *bk = dsvd_blocked(env, a[0]);
  if (!bk || !get_f64(env, a[1], &x, &xl) || !get_long(env, a[2], &m) || !get_long(env, a[3], &n) ||
      !get_long(env, a[4], &nb) || !get_f64(env, a[5], &tq, &tql) || !get_f64(env, a[6], &tp, &tpl) ||
      !get_f64(env, a[7], &qt, &ql) || !get_f64(env, a[8], &pt, &pl))
    return NULL;
  if (n < 1 || m < n) return fail(env, "dlbench native: dformQP: needs m >= n >= 1");
  if ((double)m * n > (double)xl || (size_t)n > tql || (size_t)(n - 1) > tpl || (double)n * m > (double)ql ||
      (double)n * n > (double)pl)
    return fail(env, "dlbench native: dformQP: a, tauq, taup, qt or pt is too short");
  if (bk->form(x, m, n, n, nb, tq, tp, qt, m, pt, n))
    return fail(env, "dlbench native: dformQP: out of memory");
  return NULL;
}

/* dbdsqr(isa, d, e, n, ut, cu, vt, cv): 0, −1 (no convergence); rows of ut (n×cu) and vt (n×cv) rotated. */
napi_value js_dbdsqr(napi_env env, napi_callback_info info) {
  napi_value a[8];
  double *d, *e, *ut, *vt;
  size_t dl, el, ul, vl;
  long n, cu, cv;
  if (!get_args(env, info, 8, a)) return NULL;
  const dlb_dsvd_blocked *bk = dsvd_blocked(env, a[0]);
  if (!bk || !get_f64(env, a[1], &d, &dl) || !get_f64(env, a[2], &e, &el) || !get_long(env, a[3], &n) ||
      !get_f64(env, a[4], &ut, &ul) || !get_long(env, a[5], &cu) || !get_f64(env, a[6], &vt, &vl) ||
      !get_long(env, a[7], &cv))
    return NULL;
  if (n < 0 || cu < 0 || cv < 0) return fail(env, "dlbench native: dbdsqr: bad n, cu or cv");
  if ((size_t)n > dl || (n > 1 && (size_t)(n - 1) > el) || (double)n * cu > (double)ul ||
      (double)n * cv > (double)vl)
    return fail(env, "dlbench native: dbdsqr: d, e, ut or vt is too short");
  const int rc = bk->bdsqr(d, e, n, ut, cu, cu, vt, cv, cv);
  if (rc == -2) return fail(env, "dlbench native: dbdsqr: out of memory");
  return make_num(env, rc);
}
