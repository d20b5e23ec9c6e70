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