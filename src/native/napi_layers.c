/* Network-layer glue (layers.c). Shapes are checked against every array before any call. */
#include "napi_util.h"

static int get_dims(napi_env env, napi_value *v, long *d, int count) {
  for (int i = 0; i < count; i++) {
    if (!get_long(env, v[i], &d[i])) return 0;
    if (d[i] < 0) return fail(env, "dlbench native: layer dimensions must be >= 0"), 0;
  }
  return 1;
}

static int get_layout(napi_env env, napi_value v, long *layout) {
  if (!get_long(env, v, layout)) return 0;
  if (*layout != 0 && *layout != 1)
    return fail(env, "dlbench native: layout must be 0 (NCHW) or 1 (NHWC)"), 0;
  return 1;
}

/* relu(threads, x, out): out[i] = max(x[i], 0) for every i < x.length. */
napi_value js_relu(napi_env env, napi_callback_info info) {
  napi_value v[3];
  long nt;
  float *x, *o;
  size_t xl, ol;
  if (!get_args(env, info, 3, v) || !get_long(env, v[0], &nt) || !get_f32(env, v[1], &x, &xl) ||
      !get_f32(env, v[2], &o, &ol))
    return NULL;
  if (ol < xl) return fail(env, "dlbench native: relu: out is shorter than x");
  dlb_relu((int)nt, (long)xl, x, o);
  return NULL;
}

/* biasAdd(threads, layout, n, c, h, w, x, bias, out) */
napi_value js_bias(napi_env env, napi_callback_info info) {
  napi_value v[9];
  long nt, layout, d[4];
  float *x, *b, *o;
  size_t xl, bl, ol;
  if (!get_args(env, info, 9, v) || !get_long(env, v[0], &nt) || !get_layout(env, v[1], &layout) ||
      !get_dims(env, v + 2, d, 4) || !get_f32(env, v[6], &x, &xl) || !get_f32(env, v[7], &b, &bl) ||
      !get_f32(env, v[8], &o, &ol))
    return NULL;
  const double len = (double)d[0] * d[1] * d[2] * d[3];
  if (len > (double)xl || len > (double)ol || (double)d[1] > (double)bl)
    return fail(env, "dlbench native: biasAdd: x, bias or out is shorter than the shape");
  dlb_bias((int)nt, (int)layout, d[0], d[1], d[2], d[3], x, b, o);
  return NULL;
}

/* maxPool(threads, layout, n, c, h, w, size, stride, x, out) */
napi_value js_maxpool(napi_env env, napi_callback_info info) {
  napi_value v[10];
  long nt, layout, d[6];
  float *x, *o;
  size_t xl, ol;
  if (!get_args(env, info, 10, v) || !get_long(env, v[0], &nt) || !get_layout(env, v[1], &layout) ||
      !get_dims(env, v + 2, d, 6) || !get_f32(env, v[8], &x, &xl) || !get_f32(env, v[9], &o, &ol))
    return NULL;
  const long size = d[4], stride = d[5];
  if (size < 1 || stride < 1 || size > d[2] || size > d[3])
    return fail(env, "dlbench native: maxPool: bad window");
  const double P = (double)((d[2] - size) / stride + 1), Q = (double)((d[3] - size) / stride + 1);
  if ((double)d[0] * d[1] * d[2] * d[3] > (double)xl || (double)d[0] * d[1] * P * Q > (double)ol)
    return fail(env, "dlbench native: maxPool: x or out is shorter than the shape");
  dlb_maxpool((int)nt, (int)layout, d[0], d[1], d[2], d[3], size, stride, x, o);
  return NULL;
}

/* lrn(threads, layout, n, c, h, w, size, alpha, beta, k, x, out) */
napi_value js_lrn(napi_env env, napi_callback_info info) {
  napi_value v[12];
  long nt, layout, d[5];
  double alpha, beta, k;
  float *x, *o;
  size_t xl, ol;
  if (!get_args(env, info, 12, v) || !get_long(env, v[0], &nt) || !get_layout(env, v[1], &layout) ||
      !get_dims(env, v + 2, d, 5) || !get_dbl(env, v[7], &alpha) || !get_dbl(env, v[8], &beta) ||
      !get_dbl(env, v[9], &k) || !get_f32(env, v[10], &x, &xl) || !get_f32(env, v[11], &o, &ol))
    return NULL;
  const double len = (double)d[0] * d[1] * d[2] * d[3];
  if (d[4] < 1 || len > (double)xl || len > (double)ol)
    return fail(env, "dlbench native: lrn: bad size, or x/out shorter than the shape");
  dlb_lrn((int)nt, (int)layout, d[0], d[1], d[2], d[3], d[4], (float)alpha, (float)beta, (float)k, x, o);
  return NULL;
}

/* softmax(n, d, x, out) */
napi_value js_softmax(napi_env env, napi_callback_info info) {
  napi_value v[4];
  long d[2];
  float *x, *o;
  size_t xl, ol;
  if (!get_args(env, info, 4, v) || !get_dims(env, v, d, 2) || !get_f32(env, v[2], &x, &xl) ||
      !get_f32(env, v[3], &o, &ol))
    return NULL;
  if ((double)d[0] * d[1] > (double)xl || (double)d[0] * d[1] > (double)ol)
    return fail(env, "dlbench native: softmax: x or out is shorter than the shape");
  dlb_softmax(d[0], d[1], x, o);
  return NULL;
}
/* Packed fully-connected layer (skinny.c). Declared here: the glue is their only caller. */
long dlb_fcp_packed_floats(long k, long n);
void dlb_fcp_pack(long k, long n, const float *w, long ldw, int trans, float *wp);
int dlb_fcp_forward(int isa, int threads, long m, long k, long n, const float *x, long ldx, const float *wp,
                    const float *bias, int relu, float *y, long ldy);

/* fcPack(k, n, w, trans, wp | null): the floats the packed weights take; with wp, packs W into it
 * (W(p, j) = w[p·n + j] for trans 0, IN×OUT; w[j·k + p] for trans 1, OUT×IN). */
napi_value js_fc_pack(napi_env env, napi_callback_info info) {
  napi_value v[5], out;
  long d[2], trans;
  float *w, *wp = NULL;
  size_t wl, pl = 0;
  napi_valuetype pt;
  if (!get_args(env, info, 5, v) || !get_dims(env, v, d, 2) || !get_f32(env, v[2], &w, &wl) ||
      !get_long(env, v[3], &trans) || napi_typeof(env, v[4], &pt) != napi_ok)
    return NULL;
  if (pt != napi_null && pt != napi_undefined && !get_f32(env, v[4], &wp, &pl)) return NULL;
  const long need = dlb_fcp_packed_floats(d[0], d[1]);
  if ((double)d[0] * d[1] > (double)wl) return fail(env, "dlbench native: fcPack: w is shorter than k·n");
  if (wp) {
    if ((double)need > (double)pl)
      return fail(env, "dlbench native: fcPack: wp is shorter than the packed size");
    dlb_fcp_pack(d[0], d[1], w, trans ? d[0] : d[1], trans != 0, wp);
  }
  CHECK(env, napi_create_double(env, (double)need, &out));
  return out;
}

/* fcPacked(isa, threads, m, k, n, x, wp, bias | null, relu, y): y (m×n) = x (m×k) · W + bias, ReLU when relu. */
napi_value js_fc_packed(napi_env env, napi_callback_info info) {
  napi_value v[10];
  int isa;
  long nt, d[3], relu;
  float *x, *wp, *bias = NULL, *y;
  size_t xl, pl, bl = 0, yl;
  napi_valuetype bt;
  if (!get_args(env, info, 10, v) || !parse_isa(env, v[0], &isa) || !get_long(env, v[1], &nt) ||
      !get_dims(env, v + 2, d, 3) || !get_f32(env, v[5], &x, &xl) || !get_f32(env, v[6], &wp, &pl) ||
      napi_typeof(env, v[7], &bt) != napi_ok)
    return NULL;
  if (bt != napi_null && bt != napi_undefined && !get_f32(env, v[7], &bias, &bl)) return NULL;
  if (!get_long(env, v[8], &relu) || !get_f32(env, v[9], &y, &yl)) return NULL;
  const long m = d[0], k = d[1], n = d[2];
  if (!dlb_isa_supported(isa)) return fail(env, "dlbench native: this CPU lacks the requested ISA");
  if ((double)m * k > (double)xl || (double)m * n > (double)yl)
    return fail(env, "dlbench native: fcPacked: x or y is shorter than m·k or m·n");
  if ((double)dlb_fcp_packed_floats(k, n) > (double)pl)
    return fail(env, "dlbench native: fcPacked: wp is shorter than the packed size (fcPack)");
  if (bias && (double)n > (double)bl) return fail(env, "dlbench native: fcPacked: bias is shorter than n");
  dlb_fcp_forward(isa, (int)nt, m, k, n, x, k, wp, bias, relu != 0, y, n);
  return NULL;
}
