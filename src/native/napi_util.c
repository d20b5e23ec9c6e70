/* The glue's shared argument readers (napi_util.h). */
#include <stdio.h>
#include <string.h>
#include "napi_util.h"

napi_value fail(napi_env env, const char *msg) {
  napi_throw_range_error(env, NULL, msg);
  return NULL;
}

int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    char msg[96];
    snprintf(msg, sizeof msg, "dlbench native: expected %zu arguments", want);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

int get_long(napi_env env, napi_value v, long *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || d != (double)(long)d) {
    napi_throw_type_error(env, NULL, "dlbench native: expected an integer");
    return 0;
  }
  *out = (long)d;
  return 1;
}

/* A typed array of the given element type: its data pointer and length in elements. */
static int get_typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len,
                     const char *msg) {
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

int get_f32(napi_env env, napi_value v, float **data, size_t *len) {
  return get_typed(env, v, napi_float32_array, (void **)data, len, "dlbench native: expected a Float32Array");
}

int get_f64(napi_env env, napi_value v, double **data, size_t *len) {
  return get_typed(env, v, napi_float64_array, (void **)data, len, "dlbench native: expected a Float64Array");
}

int get_dbl(napi_env env, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "dlbench native: expected a number");
    return 0;
  }
  return 1;
}

/* The highest index a rows×cols view with strides (rs, cs) from off touches must be < len. */
int view_fits(long off, long rows, long cols, long rs, long cs, size_t len) {
  if (rows == 0 || cols == 0) return off >= 0;
  if (off < 0 || rs < 0 || cs < 0) return 0;
  const double last = (double)off + (double)(rows - 1) * rs + (double)(cols - 1) * cs;
  return last < (double)len;
}

int parse_isa(napi_env env, napi_value v, int *isa) {
  char s[16];
  size_t len;
  if (napi_get_value_string_utf8(env, v, s, sizeof s, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "dlbench native: isa must be a string");
    return 0;
  }
  if (!strcmp(s, "avx512"))
    *isa = DLB_ISA_AVX512;
  else if (!strcmp(s, "avx2"))
    *isa = DLB_ISA_AVX2;
  else if (!strcmp(s, "scalar"))
    *isa = DLB_ISA_SCALAR;
  else {
    napi_throw_range_error(env, NULL, "dlbench native: isa must be avx512, avx2 or scalar");
    return 0;
  }
  return 1;
}