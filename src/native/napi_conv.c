/* Convolution glue: im2col (one image, either layout) and the whole Winograd convolution. */
#include "napi_util.h"

/* im2col(input, C, H, W, R, S, strideH, strideW, padH, padW, dilH, dilW, out[, threads]) → [P, Q] */
static napi_value im2col_common(napi_env env, napi_callback_info info, int nhwc) {
  napi_value v[14];
  float *in, *out;
  size_t inlen, outlen, argc = 14;
  long d[11], threads = 1;
  if (!get_args(env, info, 13, v) || !get_f32(env, v[0], &in, &inlen) || !get_f32(env, v[12], &out, &outlen))
    return NULL;
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok) return NULL;
  if (argc >= 14 && !get_long(env, v[13], &threads)) return NULL;
  for (int i = 0; i < 11; i++)
    if (!get_long(env, v[1 + i], &d[i])) return NULL;
  const long C = d[0], H = d[1], W = d[2], R = d[3], S = d[4], sh = d[5], sw = d[6], ph = d[7], pw = d[8],
             dh = d[9], dw = d[10];
  if (C < 1 || H < 1 || W < 1 || R < 1 || S < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || dh < 1 || dw < 1)
    return fail(env, "dlbench native: im2col needs C,H,W,R,S,strides,dilations >= 1 and pads >= 0");
  const long hspan = H + 2 * ph - dh * (R - 1) - 1, wspan = W + 2 * pw - dw * (S - 1) - 1;
  if (hspan < 0 || wspan < 0) return fail(env, "dlbench native: im2col filter larger than the padded input");
  const long P = hspan / sh + 1, Q = wspan / sw + 1;
  if ((double)inlen < (double)C * H * W) return fail(env, "dlbench native: im2col input shorter than C·H·W");
  if ((double)outlen < (double)C * R * S * P * Q)
    return fail(env, "dlbench native: im2col output shorter than C·R·S·P·Q");
  dlb_im2col((int)threads, nhwc, in, C, H, W, R, S, sh, sw, ph, pw, dh, dw, out);
  napi_value res;
  CHECK(env, napi_create_array_with_length(env, 2, &res));
  napi_set_element(env, res, 0, make_num(env, (double)P));
  napi_set_element(env, res, 1, make_num(env, (double)Q));
  return res;
}

napi_value js_im2col_nchw(napi_env env, napi_callback_info info) { return im2col_common(env, info, 0); }
napi_value js_im2col_nhwc(napi_env env, napi_callback_info info) { return im2col_common(env, info, 1); }

/* winogradConv(isa, threads, m, nchw, N, C, H, W, K, groups, pad, x, up, bias | null, out, nb): 3×3, stride 1.
 * up: filters transformed and packed by the caller ([grp][ξ][kpad/MR][cg][MR], kpad = K/g rounded up to MR). */
napi_value js_winograd_conv(napi_env env, napi_callback_info info) {
  napi_value v[16];
  int isa;
  long threads, m, nchw, d[7], nb;
  float *x, *up, *bias = NULL, *out;
  size_t xl, ul, bl = 0, ol;
  napi_valuetype bt;
  if (!get_args(env, info, 16, v) || !parse_isa(env, v[0], &isa) || !get_long(env, v[1], &threads) ||
      !get_long(env, v[2], &m) || !get_long(env, v[3], &nchw))
    return NULL;
  for (int i = 0; i < 7; i++)
    if (!get_long(env, v[4 + i], &d[i])) return NULL;
  if (!get_f32(env, v[11], &x, &xl) || !get_f32(env, v[12], &up, &ul) ||
      napi_typeof(env, v[13], &bt) != napi_ok)
    return NULL;
  if (bt != napi_null && bt != napi_undefined && !get_f32(env, v[13], &bias, &bl)) return NULL;
  if (!get_f32(env, v[14], &out, &ol) || !get_long(env, v[15], &nb)) return NULL;
  if (!dlb_isa_supported(isa)) return fail(env, "dlbench native: this CPU lacks the requested ISA");
  if (m != 2 && m != 4) return fail(env, "dlbench native: winogradConv: m must be 2 or 4");
  dlb_wino_geom g = {d[0], d[1], d[2], d[3], d[4], d[5],   d[6],       0,        0,
                     0,    0,    0,    0,    0,    (int)m, (int)m + 2, nchw != 0};
  if (g.N < 1 || g.C < 1 || g.H < 1 || g.W < 1 || g.K < 1 || g.groups < 1 || g.pad < 0 || g.C % g.groups ||
      g.K % g.groups)
    return fail(
        env, "dlbench native: winogradConv: N, C, H, W, K, groups >= 1, pad >= 0, groups dividing C and K");
  g.P = g.H + 2 * g.pad - 2;
  g.Q = g.W + 2 * g.pad - 2;
  if (g.P < 1 || g.Q < 1)
    return fail(env, "dlbench native: winogradConv: the 3x3 filter does not fit the padded input");
  g.cg = g.C / g.groups;
  g.kg = g.K / g.groups;
  g.th = (g.P + m - 1) / m;
  g.tw = (g.Q + m - 1) / m;
  g.T = g.th * g.tw;
  const long mr = dlb_kernel_for(isa)->mr, kpad = (g.kg + mr - 1) / mr * mr;
  if ((double)xl < (double)g.N * g.C * g.H * g.W)
    return fail(env, "dlbench native: winogradConv: x shorter than N·C·H·W");
  if ((double)ol < (double)g.N * g.K * g.P * g.Q)
    return fail(env, "dlbench native: winogradConv: out shorter than N·K·P·Q");
  if ((double)ul < (double)g.groups * g.alpha * g.alpha * kpad * g.cg)
    return fail(env, "dlbench native: winogradConv: up shorter than groups·α²·kpad·(C/groups)");
  if (bias && (double)bl < (double)g.K) return fail(env, "dlbench native: winogradConv: bias shorter than K");
  if (dlb_winograd_conv(isa, (int)threads, &g, x, up, bias, out, nb)) {
    napi_throw_error(env, NULL, "dlbench native: winogradConv: out of memory");
    return NULL;
  }
  return NULL;
}