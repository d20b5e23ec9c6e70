/* Node-API glue (plain C, ABI-stable across Node versions): argument checking, bounds checks
 * on every typed array before any pointer is formed, then a call into the kernels. A call
 * blocks the calling JS thread for its duration (the timed region must not include a hop
 * to the libuv pool); the event loop is therefore blocked during a measured GEMM. */
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include "dlb.h"

#define CHECK(env, call)                                                   \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error((env), NULL, "dlbench native: N-API call failed");  \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

static napi_value fail(napi_env env, const char *msg) {
  napi_throw_range_error(env, NULL, msg);
  return NULL;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    char msg[96];
    snprintf(msg, sizeof msg, "dlbench native: expected %zu arguments", want);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

static int get_long(napi_env env, napi_value v, long *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || d != (double)(long)d) {
    napi_throw_type_error(env, NULL, "dlbench native: expected an integer");
    return 0;
  }
  *out = (long)d;
  return 1;
}

/* A typed array of the given element type: its data pointer and length in elements. */
static int get_typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len, const char *msg) {
  bool is;
  napi_typedarray_type type;
  napi_value buf;
  size_t off;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, len, data, &buf, &off) != napi_ok || type != want) {
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

static int get_f32(napi_env env, napi_value v, float **data, size_t *len) {
  return get_typed(env, v, napi_float32_array, (void **)data, len, "dlbench native: expected a Float32Array");
}

static int get_f64(napi_env env, napi_value v, double **data, size_t *len) {
  return get_typed(env, v, napi_float64_array, (void **)data, len, "dlbench native: expected a Float64Array");
}

static int get_dbl(napi_env env, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "dlbench native: expected a number");
    return 0;
  }
  return 1;
}

/* The highest index a rows×cols view with strides (rs, cs) from off touches must be < len. */
static int view_fits(long off, long rows, long cols, long rs, long cs, size_t len) {
  if (rows == 0 || cols == 0) return off >= 0;
  if (off < 0 || rs < 0 || cs < 0) return 0;
  const double last = (double)off + (double)(rows - 1) * rs + (double)(cols - 1) * cs;
  return last < (double)len;
}

static napi_value make_bool(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

static napi_value make_num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

static napi_value make_str(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

static void set(napi_env env, napi_value obj, const char *key, napi_value v) { napi_set_named_property(env, obj, key, v); }

static const char *isa_name(int isa) { return isa == DLB_ISA_AVX512 ? "avx512" : isa == DLB_ISA_AVX2 ? "avx2" : "scalar"; }

/* kernels() → [{isa, symbol, mr, nr, mc, kc, nc, supported}], best first. */
static napi_value js_kernels(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value arr;
  CHECK(env, napi_create_array(env, &arr));
  uint32_t n = 0;
  for (int isa = DLB_ISA_COUNT - 1; isa >= 0; isa--) {
    const dlb_kernel_desc *kd = dlb_kernel_for(isa);
    napi_value o;
    CHECK(env, napi_create_object(env, &o));
    set(env, o, "isa", make_str(env, isa_name(isa)));
    set(env, o, "supported", make_bool(env, kd != NULL && dlb_isa_supported(isa)));
    if (kd) {
      set(env, o, "symbol", make_str(env, kd->symbol));
      set(env, o, "mr", make_num(env, kd->mr));
      set(env, o, "nr", make_num(env, kd->nr));
      set(env, o, "mc", make_num(env, kd->mc));
      set(env, o, "kc", make_num(env, kd->kc));
      set(env, o, "nc", make_num(env, kd->nc));
    }
    CHECK(env, napi_set_element(env, arr, n++, o));
  }
  return arr;
}

static napi_value js_best_isa(napi_env env, napi_callback_info info) {
  (void)info;
  return make_str(env, isa_name(dlb_best_isa()));
}

static int parse_isa(napi_env env, napi_value v, int *isa) {
  char s[16];
  size_t len;
  if (napi_get_value_string_utf8(env, v, s, sizeof s, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "dlbench native: isa must be a string");
    return 0;
  }
  if (!strcmp(s, "avx512")) *isa = DLB_ISA_AVX512;
  else if (!strcmp(s, "avx2")) *isa = DLB_ISA_AVX2;
  else if (!strcmp(s, "scalar")) *isa = DLB_ISA_SCALAR;
  else {
    napi_throw_range_error(env, NULL, "dlbench native: isa must be avx512, avx2 or scalar");
    return 0;
  }
  return 1;
}

/* The 16 GEMM arguments after the engine selector:
 * threads, m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, beta. */
typedef struct {
  long threads, m, n, k, ao, lda, ta, bo, ldb, tb, co, ldc, beta;
  float *a, *b, *c;
} call_args;

/* A stored rows×cols matrix needs ld ≥ cols when it has two rows or more; otherwise the stride is
 * never used, and is raised to what BLAS insists on (max(1, cols)) so CBLAS does not refuse it. */
static int ld_ok(long *ld, long rows, long cols) {
  if (rows > 1 && cols > 0) return *ld >= cols;
  if (*ld < cols) *ld = cols;
  if (*ld < 1) *ld = 1;
  return 1;
}

static int parse_call(napi_env env, napi_value *v, call_args *x) {
  size_t alen, blen, clen;
  if (!get_long(env, v[0], &x->threads) || !get_long(env, v[1], &x->m) || !get_long(env, v[2], &x->n) ||
      !get_long(env, v[3], &x->k) || !get_f32(env, v[4], &x->a, &alen) || !get_long(env, v[5], &x->ao) ||
      !get_long(env, v[6], &x->lda) || !get_long(env, v[7], &x->ta) || !get_f32(env, v[8], &x->b, &blen) ||
      !get_long(env, v[9], &x->bo) || !get_long(env, v[10], &x->ldb) || !get_long(env, v[11], &x->tb) ||
      !get_f32(env, v[12], &x->c, &clen) || !get_long(env, v[13], &x->co) || !get_long(env, v[14], &x->ldc) ||
      !get_long(env, v[15], &x->beta))
    return 0;
  if (x->m < 0 || x->n < 0 || x->k < 0) return fail(env, "dlbench native: m, n, k must be >= 0"), 0;
  if (x->beta != 0 && x->beta != 1) return fail(env, "dlbench native: beta must be 0 or 1"), 0;
  /* BLAS rules: a row stride covers the stored row, so C rows never overlap (threads write them). */
  const long arows = x->ta ? x->k : x->m, acols = x->ta ? x->m : x->k;
  const long brows = x->tb ? x->n : x->k, bcols = x->tb ? x->k : x->n;
  if (!ld_ok(&x->lda, arows, acols) || !ld_ok(&x->ldb, brows, bcols) || !ld_ok(&x->ldc, x->m, x->n))
    return fail(env, "dlbench native: a leading dimension is smaller than its row"), 0;
  const int aok = x->ta ? view_fits(x->ao, x->k, x->m, x->lda, 1, alen) : view_fits(x->ao, x->m, x->k, x->lda, 1, alen);
  const int bok = x->tb ? view_fits(x->bo, x->n, x->k, x->ldb, 1, blen) : view_fits(x->bo, x->k, x->n, x->ldb, 1, blen);
  if (!aok) return fail(env, "dlbench native: A (offset, lda, shape) runs past its array"), 0;
  if (!bok) return fail(env, "dlbench native: B (offset, ldb, shape) runs past its array"), 0;
  if (!view_fits(x->co, x->m, x->n, x->ldc, 1, clen)) return fail(env, "dlbench native: C (offset, ldc, shape) runs past its array"), 0;
  if (x->threads < 1) x->threads = 1;
  return 1;
}

/* sgemm(isa, threads, m, n, k, a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, beta) */
static napi_value js_sgemm(napi_env env, napi_callback_info info) {
  napi_value v[17];
  int isa;
  call_args x;
  if (!get_args(env, info, 17, v) || !parse_isa(env, v[0], &isa) || !parse_call(env, v + 1, &x)) return NULL;
  if (!dlb_isa_supported(isa)) return fail(env, "dlbench native: this CPU lacks the requested ISA");
  dlb_gemm_args g = {
    x.m, x.n, x.k,
    x.a + x.ao, x.ta ? 1 : x.lda, x.ta ? x.lda : 1,
    x.b + x.bo, x.tb ? 1 : x.ldb, x.tb ? x.ldb : 1,
    x.c + x.co, x.ldc, (int)x.beta,
  };
  if (dlb_sgemm(dlb_kernel_for(isa), &g, (int)x.threads)) {
    napi_throw_error(env, NULL, "dlbench native: out of memory for packing buffers");
    return NULL;
  }
  return NULL;
}

/* sgemmPath(isa, m, n, k, lda, transA, ldb, transB) → the path dlb_sgemm takes for that call:
 * 'general' (packed Goto driver) or one of the skinny paths (skinny.c). */
static napi_value js_sgemm_path(napi_env env, napi_callback_info info) {
  napi_value v[8];
  int isa;
  long m, n, k, lda, ta, ldb, tb;
  if (!get_args(env, info, 8, v) || !parse_isa(env, v[0], &isa) || !get_long(env, v[1], &m) || !get_long(env, v[2], &n) ||
      !get_long(env, v[3], &k) || !get_long(env, v[4], &lda) || !get_long(env, v[5], &ta) || !get_long(env, v[6], &ldb) ||
      !get_long(env, v[7], &tb))
    return NULL;
  const dlb_gemm_args g = {m, n, k, NULL, ta ? 1 : lda, ta ? lda : 1, NULL, tb ? 1 : ldb, tb ? ldb : 1, NULL, n, 0};
  return make_str(env, dlb_path_name(dlb_sgemm_path(dlb_kernel_for(isa), &g)));
}

/* skinnyCalls() → {avx512: {'smallm-axpy': count, ...}, avx2: {...}, scalar: {...}}: calls served so far. */
static napi_value js_skinny_calls(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o;
  CHECK(env, napi_create_object(env, &o));
  for (int isa = 0; isa < DLB_ISA_COUNT; isa++) {
    napi_value per;
    CHECK(env, napi_create_object(env, &per));
    for (int path = 1; path < DLB_PATH_COUNT; path++) set(env, per, dlb_path_name(path), make_num(env, (double)dlb_skinny_calls(isa, path)));
    set(env, o, isa_name(isa), per);
  }
  return o;
}

/* skinnyEnabled(on?) → whether the skinny paths were on; with a boolean, switches them (A/B timing). */
static napi_value js_skinny_enabled(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v[1];
  bool on;
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1) return make_bool(env, dlb_skinny_enable(-1));
  if (napi_get_value_bool(env, v[0], &on) != napi_ok) {
    napi_throw_type_error(env, NULL, "dlbench native: skinnyEnabled takes a boolean");
    return NULL;
  }
  return make_bool(env, dlb_skinny_enable(on));
}

static napi_value js_blas_load(napi_env env, napi_callback_info info) {
  (void)info;
  const char *why = dlb_blas_load();
  napi_value o;
  CHECK(env, napi_create_object(env, &o));
  set(env, o, "ok", make_bool(env, why == NULL));
  if (why) set(env, o, "reason", make_str(env, why));
  else {
    set(env, o, "library", make_str(env, dlb_blas_path()));
    set(env, o, "config", make_str(env, dlb_blas_config()));
  }
  return o;
}

/* blasSgemm(threads, m, n, k, a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, beta) */
static napi_value js_blas_sgemm(napi_env env, napi_callback_info info) {
  napi_value v[16];
  call_args x;
  if (!get_args(env, info, 16, v) || !parse_call(env, v, &x)) return NULL;
  if (x.k == 0 && x.m > 0 && x.n > 0) {
    /* Leave BLAS out of the degenerate case: C = 0 (beta 0) or unchanged (beta 1). */
    if (!x.beta) for (long i = 0; i < x.m; i++) memset(x.c + x.co + i * x.ldc, 0, x.n * sizeof(float));
    return NULL;
  }
  if (dlb_blas_sgemm((int)x.ta, (int)x.tb, x.m, x.n, x.k, x.a + x.ao, x.lda, x.b + x.bo, x.ldb, x.c + x.co, x.ldc,
                     (int)x.beta, (int)x.threads))
    return fail(env, dlb_blas_load());
  return NULL;
}

/* im2col(input, C, H, W, R, S, strideH, strideW, padH, padW, dilH, dilW, out[, threads]) → [P, Q] */
static napi_value im2col_common(napi_env env, napi_callback_info info, int nhwc) {
  napi_value v[14];
  float *in, *out;
  size_t inlen, outlen, argc = 14;
  long d[11], threads = 1;
  if (!get_args(env, info, 13, v) || !get_f32(env, v[0], &in, &inlen) || !get_f32(env, v[12], &out, &outlen)) return NULL;
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok) return NULL;
  if (argc >= 14 && !get_long(env, v[13], &threads)) return NULL;
  for (int i = 0; i < 11; i++)
    if (!get_long(env, v[1 + i], &d[i])) return NULL;
  const long C = d[0], H = d[1], W = d[2], R = d[3], S = d[4], sh = d[5], sw = d[6], ph = d[7], pw = d[8], dh = d[9], dw = d[10];
  if (C < 1 || H < 1 || W < 1 || R < 1 || S < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || dh < 1 || dw < 1)
    return fail(env, "dlbench native: im2col needs C,H,W,R,S,strides,dilations >= 1 and pads >= 0");
  const long hspan = H + 2 * ph - dh * (R - 1) - 1, wspan = W + 2 * pw - dw * (S - 1) - 1;
  if (hspan < 0 || wspan < 0) return fail(env, "dlbench native: im2col filter larger than the padded input");
  const long P = hspan / sh + 1, Q = wspan / sw + 1;
  if ((double)inlen < (double)C * H * W) return fail(env, "dlbench native: im2col input shorter than C·H·W");
  if ((double)outlen < (double)C * R * S * P * Q) return fail(env, "dlbench native: im2col output shorter than C·R·S·P·Q");
  dlb_im2col((int)threads, nhwc, in, C, H, W, R, S, sh, sw, ph, pw, dh, dw, out);
  napi_value res;
  CHECK(env, napi_create_array_with_length(env, 2, &res));
  napi_set_element(env, res, 0, make_num(env, (double)P));
  napi_set_element(env, res, 1, make_num(env, (double)Q));
  return res;
}

static napi_value js_im2col_nchw(napi_env env, napi_callback_info info) { return im2col_common(env, info, 0); }
static napi_value js_im2col_nhwc(napi_env env, napi_callback_info info) { return im2col_common(env, info, 1); }

/* peakFma(isa, f64, threads, ms) → GFLOP/s */
static napi_value js_peak(napi_env env, napi_callback_info info) {
  napi_value v[4];
  int isa;
  long f64, nt, ms;
  if (!get_args(env, info, 4, v) || !parse_isa(env, v[0], &isa) || !get_long(env, v[1], &f64) ||
      !get_long(env, v[2], &nt) || !get_long(env, v[3], &ms))
    return NULL;
  const double r = dlb_peak_fma(isa, (int)f64, (int)nt, (double)ms);
  if (r < 0) return fail(env, "dlbench native: peak probe refused (ISA missing or bad thread count)");
  return make_num(env, r);
}

/* readBandwidth(isa, bytesPerThread, threads, ms) → GB/s */
static napi_value js_read_bw(napi_env env, napi_callback_info info) {
  napi_value v[4];
  int isa;
  long bytes, nt, ms;
  if (!get_args(env, info, 4, v) || !parse_isa(env, v[0], &isa) || !get_long(env, v[1], &bytes) ||
      !get_long(env, v[2], &nt) || !get_long(env, v[3], &ms))
    return NULL;
  const double r = dlb_read_bw(isa, (size_t)bytes, (int)nt, (double)ms);
  if (r < 0) return fail(env, "dlbench native: read-bandwidth probe failed");
  return make_num(env, r);
}

/* stream('copy' | 'triad', elements, threads, reps) → GB/s */
static napi_value js_stream(napi_env env, napi_callback_info info) {
  napi_value v[4];
  char kind[8];
  size_t len;
  long n, nt, reps;
  if (!get_args(env, info, 4, v) || napi_get_value_string_utf8(env, v[0], kind, sizeof kind, &len) != napi_ok ||
      !get_long(env, v[1], &n) || !get_long(env, v[2], &nt) || !get_long(env, v[3], &reps))
    return NULL;
  if (strcmp(kind, "copy") && strcmp(kind, "triad")) return fail(env, "dlbench native: stream kind must be copy or triad");
  const double r = dlb_stream(strcmp(kind, "copy") ? 1 : 0, (size_t)n, (int)nt, (int)reps);
  if (r < 0) return fail(env, "dlbench native: STREAM probe failed (out of memory?)");
  return make_num(env, r);
}

/* The f64 SVD kernels of isa, or NULL after throwing. */
static const dlb_dsvd_kernels *dsvd_kernels(napi_env env, napi_value v) {
  int isa;
  if (!parse_isa(env, v, &isa)) return NULL;
  const dlb_dsvd_kernels *k = dlb_dsvd_for(isa);
  if (!k) fail(env, "dlbench native: this CPU lacks the requested ISA");
  return k;
}

/* dreflectLeft(isa, x, ld, r0, len, c0, cols, v, beta, acc): rows r0..r0+len−1, columns c0..c0+cols−1. */
static napi_value js_dreflect_left(napi_env env, napi_callback_info info) {
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
  if (len < 0 || cols < 0 || ld < cols || c0 < 0 || r0 < 0) return fail(env, "dlbench native: dreflectLeft: bad block");
  if (len == 0 || cols == 0) return NULL;
  if (!view_fits(r0 * ld + c0, len, cols, ld, 1, xl) || (size_t)len > vl || (size_t)cols > al)
    return fail(env, "dlbench native: dreflectLeft: block, v or acc runs past its array");
  k->reflect_left(x, ld, r0, len, c0, cols, v, beta, acc);
  return NULL;
}

/* dreflectRight(isa, x, ld, r0, r1, c0, len, v, beta): rows r0..r1−1, columns c0..c0+len−1. */
static napi_value js_dreflect_right(napi_env env, napi_callback_info info) {
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
  if (r0 < 0 || r1 < r0 || len < 0 || ld < len || c0 < 0) return fail(env, "dlbench native: dreflectRight: bad block");
  if (r1 == r0 || len == 0) return NULL;
  if (!view_fits(r0 * ld + c0, r1 - r0, len, ld, 1, xl) || (size_t)len > vl)
    return fail(env, "dlbench native: dreflectRight: block or v runs past its array");
  k->reflect_right(x, ld, r0, r1, c0, len, v, beta);
  return NULL;
}

/* drotSweeps(isa, x, ld, cols, count, lo, hi, cs, sn, stride): `count` QR sweeps on rows of x;
 * sweep q rotates rows (k, k+1) for k = lo[q]..hi[q]−1 with cs/sn[q·stride + k]. lo, hi: Float64Array. */
#define DSVD_MAX_SWEEPS 256
static napi_value js_drot_sweeps(napi_env env, napi_callback_info info) {
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
  if (count < 0 || count > DSVD_MAX_SWEEPS || (size_t)count > ll || (size_t)count > hl || cols < 0 || ld < cols || stride < 0)
    return fail(env, "dlbench native: drotSweeps: bad count, cols, ld or stride");
  if (count == 0 || cols == 0) return NULL;
  for (long q = 0; q < count; q++) {
    lo[q] = (long)lod[q];
    hi[q] = (long)hid[q];
    if (lo[q] != lod[q] || hi[q] != hid[q] || lo[q] < 0 || hi[q] < lo[q] || hi[q] > stride ||
        !view_fits(lo[q] * ld, hi[q] - lo[q] + 1, cols, ld, 1, xl) || (double)q * stride + hi[q] > (double)cl ||
        (double)q * stride + hi[q] > (double)sl)
      return fail(env, "dlbench native: drotSweeps: a sweep's rows, cs or sn run past their arrays");
  }
  k->rot_sweeps(x, ld, cols, count, lo, hi, cs, sn, stride);
  return NULL;
}

/* One f32 view argument triple (array, offset, ld) of a rows×cols matrix, bounds-checked. */
static int get_view(napi_env env, napi_value *v, long rows, long cols, float **p, long *ld, const char *name) {
  float *a;
  size_t len;
  long off;
  char msg[96];
  if (!get_f32(env, v[0], &a, &len) || !get_long(env, v[1], &off) || !get_long(env, v[2], ld)) return 0;
  if ((rows > 1 && *ld < cols) || !view_fits(off, rows, cols, *ld, 1, len)) {
    snprintf(msg, sizeof msg, "dlbench native: %s (offset, ld, shape) runs past its array", name);
    return fail(env, msg), 0;
  }
  *p = a + off;
  return 1;
}

/* strassenAdd(threads, rows, cols, x, xOff, ldx, y, yOff, ldy, sign, z, zOff, ldz): z = x + sign·y */
static napi_value js_strassen_add(napi_env env, napi_callback_info info) {
  napi_value v[13];
  long nt, r, c, ldx, ldy, ldz;
  double sign;
  float *x, *y, *z;
  if (!get_args(env, info, 13, v) || !get_long(env, v[0], &nt) || !get_long(env, v[1], &r) || !get_long(env, v[2], &c)) return NULL;
  if (r < 0 || c < 0) return fail(env, "dlbench native: rows, cols must be >= 0");
  if (!get_view(env, v + 3, r, c, &x, &ldx, "x") || !get_view(env, v + 6, r, c, &y, &ldy, "y") || !get_dbl(env, v[9], &sign) ||
      !get_view(env, v + 10, r, c, &z, &ldz, "z"))
    return NULL;
  dlb_strassen_add((int)nt, r, c, x, ldx, y, ldy, (float)sign, z, ldz);
  return NULL;
}

/* strassenCombine(threads, rows, cols, p1, p1Off, ldp1, c, c11Off, c12Off, c21Off, c22Off, ldc) */
static napi_value js_strassen_combine(napi_env env, napi_callback_info info) {
  napi_value v[12];
  long nt, r, c, ldp, ldc, off[4];
  float *p1, *cq[4], *ca;
  size_t clen;
  if (!get_args(env, info, 12, v) || !get_long(env, v[0], &nt) || !get_long(env, v[1], &r) || !get_long(env, v[2], &c)) return NULL;
  if (r < 0 || c < 0) return fail(env, "dlbench native: rows, cols must be >= 0");
  if (!get_view(env, v + 3, r, c, &p1, &ldp, "p1") || !get_f32(env, v[6], &ca, &clen) || !get_long(env, v[11], &ldc)) return NULL;
  for (int q = 0; q < 4; q++) {
    if (!get_long(env, v[7 + q], &off[q])) return NULL;
    if ((r > 1 && ldc < c) || !view_fits(off[q], r, c, ldc, 1, clen)) return fail(env, "dlbench native: a C quadrant runs past its array");
    cq[q] = ca + off[q];
  }
  dlb_strassen_combine((int)nt, r, c, p1, ldp, cq[0], cq[1], cq[2], cq[3], ldc);
  return NULL;
}

/* ---- Network layers (layers.c). Shapes are checked against every array before any call. ---- */
static int get_dims(napi_env env, napi_value *v, long *d, int count) {
  for (int i = 0; i < count; i++) {
    if (!get_long(env, v[i], &d[i])) return 0;
    if (d[i] < 0) return fail(env, "dlbench native: layer dimensions must be >= 0"), 0;
  }
  return 1;
}

static int get_layout(napi_env env, napi_value v, long *layout) {
  if (!get_long(env, v, layout)) return 0;
  if (*layout != 0 && *layout != 1) return fail(env, "dlbench native: layout must be 0 (NCHW) or 1 (NHWC)"), 0;
  return 1;
}

/* relu(threads, x, out): out[i] = max(x[i], 0) for every i < x.length. */
static napi_value js_relu(napi_env env, napi_callback_info info) {
  napi_value v[3];
  long nt;
  float *x, *o;
  size_t xl, ol;
  if (!get_args(env, info, 3, v) || !get_long(env, v[0], &nt) || !get_f32(env, v[1], &x, &xl) || !get_f32(env, v[2], &o, &ol)) return NULL;
  if (ol < xl) return fail(env, "dlbench native: relu: out is shorter than x");
  dlb_relu((int)nt, (long)xl, x, o);
  return NULL;
}

/* biasAdd(threads, layout, n, c, h, w, x, bias, out) */
static napi_value js_bias(napi_env env, napi_callback_info info) {
  napi_value v[9];
  long nt, layout, d[4];
  float *x, *b, *o;
  size_t xl, bl, ol;
  if (!get_args(env, info, 9, v) || !get_long(env, v[0], &nt) || !get_layout(env, v[1], &layout) || !get_dims(env, v + 2, d, 4) ||
      !get_f32(env, v[6], &x, &xl) || !get_f32(env, v[7], &b, &bl) || !get_f32(env, v[8], &o, &ol))
    return NULL;
  const double len = (double)d[0] * d[1] * d[2] * d[3];
  if (len > (double)xl || len > (double)ol || (double)d[1] > (double)bl) return fail(env, "dlbench native: biasAdd: x, bias or out is shorter than the shape");
  dlb_bias((int)nt, (int)layout, d[0], d[1], d[2], d[3], x, b, o);
  return NULL;
}

/* maxPool(threads, layout, n, c, h, w, size, stride, x, out) */
static napi_value js_maxpool(napi_env env, napi_callback_info info) {
  napi_value v[10];
  long nt, layout, d[6];
  float *x, *o;
  size_t xl, ol;
  if (!get_args(env, info, 10, v) || !get_long(env, v[0], &nt) || !get_layout(env, v[1], &layout) || !get_dims(env, v + 2, d, 6) ||
      !get_f32(env, v[8], &x, &xl) || !get_f32(env, v[9], &o, &ol))
    return NULL;
  const long size = d[4], stride = d[5];
  if (size < 1 || stride < 1 || size > d[2] || size > d[3]) return fail(env, "dlbench native: maxPool: bad window");
  const double P = (double)((d[2] - size) / stride + 1), Q = (double)((d[3] - size) / stride + 1);
  if ((double)d[0] * d[1] * d[2] * d[3] > (double)xl || (double)d[0] * d[1] * P * Q > (double)ol)
    return fail(env, "dlbench native: maxPool: x or out is shorter than the shape");
  dlb_maxpool((int)nt, (int)layout, d[0], d[1], d[2], d[3], size, stride, x, o);
  return NULL;
}

/* lrn(threads, layout, n, c, h, w, size, alpha, beta, k, x, out) */
static napi_value js_lrn(napi_env env, napi_callback_info info) {
  napi_value v[12];
  long nt, layout, d[5];
  double alpha, beta, k;
  float *x, *o;
  size_t xl, ol;
  if (!get_args(env, info, 12, v) || !get_long(env, v[0], &nt) || !get_layout(env, v[1], &layout) || !get_dims(env, v + 2, d, 5) ||
      !get_dbl(env, v[7], &alpha) || !get_dbl(env, v[8], &beta) || !get_dbl(env, v[9], &k) ||
      !get_f32(env, v[10], &x, &xl) || !get_f32(env, v[11], &o, &ol))
    return NULL;
  const double len = (double)d[0] * d[1] * d[2] * d[3];
  if (d[4] < 1 || len > (double)xl || len > (double)ol) return fail(env, "dlbench native: lrn: bad size, or x/out shorter than the shape");
  dlb_lrn((int)nt, (int)layout, d[0], d[1], d[2], d[3], d[4], (float)alpha, (float)beta, (float)k, x, o);
  return NULL;
}

/* softmax(n, d, x, out) */
static napi_value js_softmax(napi_env env, napi_callback_info info) {
  napi_value v[4];
  long d[2];
  float *x, *o;
  size_t xl, ol;
  if (!get_args(env, info, 4, v) || !get_dims(env, v, d, 2) || !get_f32(env, v[2], &x, &xl) || !get_f32(env, v[3], &o, &ol)) return NULL;
  if ((double)d[0] * d[1] > (double)xl || (double)d[0] * d[1] > (double)ol) return fail(env, "dlbench native: softmax: x or out is shorter than the shape");
  dlb_softmax(d[0], d[1], x, o);
  return NULL;
}

/* winogradConv(isa, threads, m, nchw, N, C, H, W, K, groups, pad, x, up, bias | null, out, nb): 3×3, stride 1.
 * up: filters transformed and packed by the caller ([grp][ξ][kpad/MR][cg][MR], kpad = K/g rounded up to MR). */
static napi_value js_winograd_conv(napi_env env, napi_callback_info info) {
  napi_value v[16];
  int isa;
  long threads, m, nchw, d[7], nb;
  float *x, *up, *bias = NULL, *out;
  size_t xl, ul, bl = 0, ol;
  napi_valuetype bt;
  if (!get_args(env, info, 16, v) || !parse_isa(env, v[0], &isa) || !get_long(env, v[1], &threads) || !get_long(env, v[2], &m) ||
      !get_long(env, v[3], &nchw))
    return NULL;
  for (int i = 0; i < 7; i++)
    if (!get_long(env, v[4 + i], &d[i])) return NULL;
  if (!get_f32(env, v[11], &x, &xl) || !get_f32(env, v[12], &up, &ul) || napi_typeof(env, v[13], &bt) != napi_ok) return NULL;
  if (bt != napi_null && bt != napi_undefined && !get_f32(env, v[13], &bias, &bl)) return NULL;
  if (!get_f32(env, v[14], &out, &ol) || !get_long(env, v[15], &nb)) return NULL;
  if (!dlb_isa_supported(isa)) return fail(env, "dlbench native: this CPU lacks the requested ISA");
  if (m != 2 && m != 4) return fail(env, "dlbench native: winogradConv: m must be 2 or 4");
  dlb_wino_geom g = {d[0], d[1], d[2], d[3], d[4], d[5], d[6], 0, 0, 0, 0, 0, 0, 0, (int)m, (int)m + 2, nchw != 0};
  if (g.N < 1 || g.C < 1 || g.H < 1 || g.W < 1 || g.K < 1 || g.groups < 1 || g.pad < 0 || g.C % g.groups || g.K % g.groups)
    return fail(env, "dlbench native: winogradConv: N, C, H, W, K, groups >= 1, pad >= 0, groups dividing C and K");
  g.P = g.H + 2 * g.pad - 2;
  g.Q = g.W + 2 * g.pad - 2;
  if (g.P < 1 || g.Q < 1) return fail(env, "dlbench native: winogradConv: the 3x3 filter does not fit the padded input");
  g.cg = g.C / g.groups;
  g.kg = g.K / g.groups;
  g.th = (g.P + m - 1) / m;
  g.tw = (g.Q + m - 1) / m;
  g.T = g.th * g.tw;
  const long mr = dlb_kernel_for(isa)->mr, kpad = (g.kg + mr - 1) / mr * mr;
  if ((double)xl < (double)g.N * g.C * g.H * g.W) return fail(env, "dlbench native: winogradConv: x shorter than N·C·H·W");
  if ((double)ol < (double)g.N * g.K * g.P * g.Q) return fail(env, "dlbench native: winogradConv: out shorter than N·K·P·Q");
  if ((double)ul < (double)g.groups * g.alpha * g.alpha * kpad * g.cg)
    return fail(env, "dlbench native: winogradConv: up shorter than groups·α²·kpad·(C/groups)");
  if (bias && (double)bl < (double)g.K) return fail(env, "dlbench native: winogradConv: bias shorter than K");
  if (dlb_winograd_conv(isa, (int)threads, &g, x, up, bias, out, nb)) {
    napi_throw_error(env, NULL, "dlbench native: winogradConv: out of memory");
    return NULL;
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor props[] = {
    {"kernels", NULL, js_kernels, NULL, NULL, NULL, napi_default, NULL},
    {"bestIsa", NULL, js_best_isa, NULL, NULL, NULL, napi_default, NULL},
    {"sgemm", NULL, js_sgemm, NULL, NULL, NULL, napi_default, NULL},
    {"sgemmPath", NULL, js_sgemm_path, NULL, NULL, NULL, napi_default, NULL},
    {"skinnyCalls", NULL, js_skinny_calls, NULL, NULL, NULL, napi_default, NULL},
    {"skinnyEnabled", NULL, js_skinny_enabled, NULL, NULL, NULL, napi_default, NULL},
    {"blasLoad", NULL, js_blas_load, NULL, NULL, NULL, napi_default, NULL},
    {"blasSgemm", NULL, js_blas_sgemm, NULL, NULL, NULL, napi_default, NULL},
    {"im2colNchw", NULL, js_im2col_nchw, NULL, NULL, NULL, napi_default, NULL},
    {"im2colNhwc", NULL, js_im2col_nhwc, NULL, NULL, NULL, napi_default, NULL},
    {"peakFma", NULL, js_peak, NULL, NULL, NULL, napi_default, NULL},
    {"readBandwidth", NULL, js_read_bw, NULL, NULL, NULL, napi_default, NULL},
    {"stream", NULL, js_stream, NULL, NULL, NULL, napi_default, NULL},
    {"dreflectLeft", NULL, js_dreflect_left, NULL, NULL, NULL, napi_default, NULL},
    {"dreflectRight", NULL, js_dreflect_right, NULL, NULL, NULL, napi_default, NULL},
    {"drotSweeps", NULL, js_drot_sweeps, NULL, NULL, NULL, napi_default, NULL},
    {"strassenAdd", NULL, js_strassen_add, NULL, NULL, NULL, napi_default, NULL},
    {"strassenCombine", NULL, js_strassen_combine, NULL, NULL, NULL, napi_default, NULL},
    {"relu", NULL, js_relu, NULL, NULL, NULL, napi_default, NULL},
    {"biasAdd", NULL, js_bias, NULL, NULL, NULL, napi_default, NULL},
    {"maxPool", NULL, js_maxpool, NULL, NULL, NULL, napi_default, NULL},
    {"lrn", NULL, js_lrn, NULL, NULL, NULL, napi_default, NULL},
    {"softmax", NULL, js_softmax, NULL, NULL, NULL, napi_default, NULL},
    {"winogradConv", NULL, js_winograd_conv, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
