/* Float64 SVD glue: the reflector and rotation-sweep kernels (kernels/dsvd_impl.h). */
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