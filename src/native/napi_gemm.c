/* GEMM glue: the kernel list, sgemm and its skinny-path probes, OpenBLAS, Strassen's additions. */
#include <stdio.h>
#include <string.h>
#include "napi_util.h"

static napi_value describe_kernel(napi_env env, const dlb_kernel_desc *kd, int isa, int isa_default) {
  napi_value o;
  if (napi_create_object(env, &o) != napi_ok) return NULL;
  set(env, o, "isa", make_str(env, isa_name(isa)));
  set(env, o, "supported", make_bool(env, kd != NULL && dlb_isa_supported(isa)));
  set(env, o, "isaDefault", make_bool(env, isa_default));
  if (kd) {
    set(env, o, "symbol", make_str(env, kd->symbol));
    set(env, o, "mr", make_num(env, kd->mr));
    set(env, o, "nr", make_num(env, kd->nr));
    set(env, o, "mc", make_num(env, kd->mc));
    set(env, o, "kc", make_num(env, kd->kc));
    set(env, o, "nc", make_num(env, kd->nc));
    set(env, o, "maskedEdges", make_bool(env, kd->edge != NULL));
  }
  return o;
}

static int isa_of_name(const char *name) {
  for (int isa = 0; isa < DLB_ISA_COUNT; isa++)
    if (strcmp(isa_name(isa), name) == 0) return isa;
  return DLB_ISA_SCALAR;
}

/* kernels() → [{isa, symbol, mr, nr, mc, kc, nc, supported, isaDefault, maskedEdges}], best ISA
 * first; each ISA's default micro-kernel (isaDefault) leads its ISA's other tile shapes. An ISA
 * this build lacks is one entry without a symbol. */
napi_value js_kernels(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value arr, o;
  CHECK(env, napi_create_array(env, &arr));
  uint32_t n = 0;
  for (int isa = DLB_ISA_COUNT - 1; isa >= 0; isa--) {
    const dlb_kernel_desc *kd = dlb_kernel_for(isa);
    if (!(o = describe_kernel(env, kd, isa, 1))) return NULL;
    CHECK(env, napi_set_element(env, arr, n++, o));
    if (!kd) continue;
    for (const dlb_kernel_desc *const *k = dlb_sgemm_kernel_list(); *k; k++) {
      if (*k == kd || isa_of_name((*k)->isa) != isa) continue;
      if (!(o = describe_kernel(env, *k, isa, 0))) return NULL;
      CHECK(env, napi_set_element(env, arr, n++, o));
    }
  }
  return arr;
}

napi_value js_best_isa(napi_env env, napi_callback_info info) {
  (void)info;
  return make_str(env, isa_name(dlb_best_isa()));
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
  const int aok =
      x->ta ? view_fits(x->ao, x->k, x->m, x->lda, 1, alen) : view_fits(x->ao, x->m, x->k, x->lda, 1, alen);
  const int bok =
      x->tb ? view_fits(x->bo, x->n, x->k, x->ldb, 1, blen) : view_fits(x->bo, x->k, x->n, x->ldb, 1, blen);
  if (!aok) return fail(env, "dlbench native: A (offset, lda, shape) runs past its array"), 0;
  if (!bok) return fail(env, "dlbench native: B (offset, ldb, shape) runs past its array"), 0;
  if (!view_fits(x->co, x->m, x->n, x->ldc, 1, clen))
    return fail(env, "dlbench native: C (offset, ldc, shape) runs past its array"), 0;
  if (x->threads < 1) x->threads = 1;
  return 1;
}

/* The driver's view of parsed arguments: a transposed operand swaps its strides. */
static dlb_gemm_args gemm_args(const call_args *x) {
  const dlb_gemm_args g = {x->m,
                           x->n,
                           x->k,
                           x->a + x->ao,
                           x->ta ? 1 : x->lda,
                           x->ta ? x->lda : 1,
                           x->b + x->bo,
                           x->tb ? 1 : x->ldb,
                           x->tb ? x->ldb : 1,
                           x->c + x->co,
                           x->ldc,
                           (int)x->beta};
  return g;
}

/* sgemm(isa, threads, m, n, k, a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, beta) */
napi_value js_sgemm(napi_env env, napi_callback_info info) {
  napi_value v[17];
  int isa;
  call_args x;
  if (!get_args(env, info, 17, v) || !parse_isa(env, v[0], &isa) || !parse_call(env, v + 1, &x)) return NULL;
  if (!dlb_isa_supported(isa)) return fail(env, "dlbench native: this CPU lacks the requested ISA");
  const dlb_gemm_args g = gemm_args(&x);
  if (dlb_sgemm(dlb_kernel_for(isa), &g, (int)x.threads)) {
    napi_throw_error(env, NULL, "dlbench native: out of memory for packing buffers");
    return NULL;
  }
  return NULL;
}

/* sgemmWith(symbol, mc, kc, nc, split, threads, m, n, k, a, aOff, lda, transA, b, bOff, ldb, transB,
 * c, cOff, ldc, beta): one micro-kernel by name with explicit cache blocks (the blocking model's
 * or the tuner's; 0 takes the kernel's own) and thread split (0 auto, 1 columns, 2 rows). */
napi_value js_sgemm_with(napi_env env, napi_callback_info info) {
  napi_value v[21];
  char symbol[64];
  size_t len;
  long mc, kc, nc, split;
  call_args x;
  if (!get_args(env, info, 21, v)) return NULL;
  if (napi_get_value_string_utf8(env, v[0], symbol, sizeof symbol, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "dlbench native: sgemmWith takes a kernel symbol");
    return NULL;
  }
  if (!get_long(env, v[1], &mc) || !get_long(env, v[2], &kc) || !get_long(env, v[3], &nc) ||
      !get_long(env, v[4], &split) || !parse_call(env, v + 5, &x))
    return NULL;
  const dlb_kernel_desc *kd = dlb_sgemm_kernel_named(symbol);
  if (!kd) return fail(env, "dlbench native: no such GEMM micro-kernel in this build");
  if (!dlb_isa_supported(isa_of_name(kd->isa)))
    return fail(env, "dlbench native: this CPU lacks the requested ISA");
  if (mc < 0 || kc < 0 || nc < 0 || split < 0 || split > 2)
    return fail(env, "dlbench native: mc, kc, nc must be >= 0 and split 0, 1 or 2");
  const dlb_blocking bk = {mc, kc, nc, (int)split};
  const dlb_gemm_args g = gemm_args(&x);
  if (dlb_sgemm_with(kd, &bk, &g, (int)x.threads)) {
    napi_throw_error(env, NULL, "dlbench native: out of memory for packing buffers");
    return NULL;
  }
  return NULL;
}

/* sgemmPath(isa, m, n, k, lda, transA, ldb, transB) → the path dlb_sgemm takes for that call:
 * 'general' (packed Goto driver) or one of the skinny paths (skinny.c). */
napi_value js_sgemm_path(napi_env env, napi_callback_info info) {
  napi_value v[8];
  int isa;
  long m, n, k, lda, ta, ldb, tb;
  if (!get_args(env, info, 8, v) || !parse_isa(env, v[0], &isa) || !get_long(env, v[1], &m) ||
      !get_long(env, v[2], &n) || !get_long(env, v[3], &k) || !get_long(env, v[4], &lda) ||
      !get_long(env, v[5], &ta) || !get_long(env, v[6], &ldb) || !get_long(env, v[7], &tb))
    return NULL;
  const dlb_gemm_args g = {m,    n, k, NULL, ta ? 1 : lda, ta ? lda : 1, NULL, tb ? 1 : ldb, tb ? ldb : 1,
                           NULL, n, 0};
  return make_str(env, dlb_path_name(dlb_sgemm_path(dlb_kernel_for(isa), &g)));
}

/* skinnyCalls() → {avx512: {'smallm-axpy': count, ...}, avx2: {...}, scalar: {...}}: calls served so far. */
napi_value js_skinny_calls(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o;
  CHECK(env, napi_create_object(env, &o));
  for (int isa = 0; isa < DLB_ISA_COUNT; isa++) {
    napi_value per;
    CHECK(env, napi_create_object(env, &per));
    for (int path = 1; path < DLB_PATH_COUNT; path++)
      set(env, per, dlb_path_name(path), make_num(env, (double)dlb_skinny_calls(isa, path)));
    set(env, o, isa_name(isa), per);
  }
  return o;
}

/* skinnyEnabled(on?) → whether the skinny paths were on; with a boolean, switches them (A/B timing). */
napi_value js_skinny_enabled(napi_env env, napi_callback_info info) {
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

napi_value js_blas_load(napi_env env, napi_callback_info info) {
  (void)info;
  const char *why = dlb_blas_load();
  napi_value o;
  CHECK(env, napi_create_object(env, &o));
  set(env, o, "ok", make_bool(env, why == NULL));
  if (why)
    set(env, o, "reason", make_str(env, why));
  else {
    set(env, o, "library", make_str(env, dlb_blas_path()));
    set(env, o, "config", make_str(env, dlb_blas_config()));
    if (*dlb_blas_corename()) set(env, o, "corename", make_str(env, dlb_blas_corename()));
  }
  return o;
}

/* blasSgemm(threads, m, n, k, a, aOff, lda, transA, b, bOff, ldb, transB, c, cOff, ldc, beta) */
napi_value js_blas_sgemm(napi_env env, napi_callback_info info) {
  napi_value v[16];
  call_args x;
  if (!get_args(env, info, 16, v) || !parse_call(env, v, &x)) return NULL;
  if (x.k == 0 && x.m > 0 && x.n > 0) {
    /* Leave BLAS out of the degenerate case: C = 0 (beta 0) or unchanged (beta 1). */
    if (!x.beta)
      for (long i = 0; i < x.m; i++) memset(x.c + x.co + i * x.ldc, 0, x.n * sizeof(float));
    return NULL;
  }
  if (dlb_blas_sgemm((int)x.ta, (int)x.tb, x.m, x.n, x.k, x.a + x.ao, x.lda, x.b + x.bo, x.ldb, x.c + x.co,
                     x.ldc, (int)x.beta, (int)x.threads))
    return fail(env, dlb_blas_load());
  return NULL;
}

/* One f32 view argument triple (array, offset, ld) of a rows×cols matrix, bounds-checked. */
static int get_view(napi_env env, napi_value *v, long rows, long cols, float **p, long *ld,
                    const char *name) {
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
napi_value js_strassen_add(napi_env env, napi_callback_info info) {
  napi_value v[13];
  long nt, r, c, ldx, ldy, ldz;
  double sign;
  float *x, *y, *z;
  if (!get_args(env, info, 13, v) || !get_long(env, v[0], &nt) || !get_long(env, v[1], &r) ||
      !get_long(env, v[2], &c))
    return NULL;
  if (r < 0 || c < 0) return fail(env, "dlbench native: rows, cols must be >= 0");
  if (!get_view(env, v + 3, r, c, &x, &ldx, "x") || !get_view(env, v + 6, r, c, &y, &ldy, "y") ||
      !get_dbl(env, v[9], &sign) || !get_view(env, v + 10, r, c, &z, &ldz, "z"))
    return NULL;
  dlb_strassen_add((int)nt, r, c, x, ldx, y, ldy, (float)sign, z, ldz);
  return NULL;
}

/* strassenCombine(threads, rows, cols, p1, p1Off, ldp1, c, c11Off, c12Off, c21Off, c22Off, ldc) */
napi_value js_strassen_combine(napi_env env, napi_callback_info info) {
  napi_value v[12];
  long nt, r, c, ldp, ldc, off[4];
  float *p1, *cq[4], *ca;
  size_t clen;
  if (!get_args(env, info, 12, v) || !get_long(env, v[0], &nt) || !get_long(env, v[1], &r) ||
      !get_long(env, v[2], &c))
    return NULL;
  if (r < 0 || c < 0) return fail(env, "dlbench native: rows, cols must be >= 0");
  if (!get_view(env, v + 3, r, c, &p1, &ldp, "p1") || !get_f32(env, v[6], &ca, &clen) ||
      !get_long(env, v[11], &ldc))
    return NULL;
  for (int q = 0; q < 4; q++) {
    if (!get_long(env, v[7 + q], &off[q])) return NULL;
    if ((r > 1 && ldc < c) || !view_fits(off[q], r, c, ldc, 1, clen))
      return fail(env, "dlbench native: a C quadrant runs past its array");
    cq[q] = ca + off[q];
  }
  dlb_strassen_combine((int)nt, r, c, p1, ldp, cq[0], cq[1], cq[2], cq[3], ldc);
  return NULL;
}