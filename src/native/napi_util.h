/* Node-API glue (plain C, ABI-stable across Node versions), shared by the napi_<op>.c files:
 * argument checking, bounds checks on every typed array before any pointer is formed, then a call
 * into the kernels. A call blocks the calling JS thread for its duration (the timed region must not
 * include a hop to the libuv pool); the event loop is therefore blocked during a measured GEMM. */
#ifndef DLB_NAPI_UTIL_H
#define DLB_NAPI_UTIL_H
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include "dlb.h"

/* Short names shared across the glue's files; hidden so they never bind to a same-named symbol
 * elsewhere in the process. */
#pragma GCC visibility push(hidden)

#define CHECK(env, call)                                                  \
  do {                                                                    \
    if ((call) != napi_ok) {                                              \
      napi_throw_error((env), NULL, "dlbench native: N-API call failed"); \
      return NULL;                                                        \
    }                                                                     \
  } while (0)

/* Each returns 0 (or NULL) after throwing a JS error, else 1. */
napi_value fail(napi_env env, const char *msg); /* throws a RangeError, returns NULL */
int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);
int get_long(napi_env env, napi_value v, long *out);
int get_dbl(napi_env env, napi_value v, double *out);
int get_f32(napi_env env, napi_value v, float **data, size_t *len);
int get_f64(napi_env env, napi_value v, double **data, size_t *len);
int parse_isa(napi_env env, napi_value v, int *isa);
/* The highest index a rows×cols view with strides (rs, cs) from off touches must be < len. */
int view_fits(long off, long rows, long cols, long rs, long cs, size_t len);

static inline napi_value make_bool(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

static inline napi_value make_num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

static inline napi_value make_str(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

static inline void set(napi_env env, napi_value obj, const char *key, napi_value v) {
  napi_set_named_property(env, obj, key, v);
}

static inline const char *isa_name(int isa) {
  return isa == DLB_ISA_AVX512 ? "avx512" : isa == DLB_ISA_AVX2 ? "avx2" : "scalar";
}

#define DLB_FN(name, fn) napi_value fn(napi_env env, napi_callback_info info);
#include "napi_functions.h"
#undef DLB_FN

#pragma GCC visibility pop
#endif
