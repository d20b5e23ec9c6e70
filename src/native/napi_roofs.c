/* Machine-roof glue: FMA peak, cache read bandwidth, STREAM. */
#include <string.h>
#include "napi_util.h"

/* The probes' shared arguments (isa, x, threads, ms); 0 after throwing. */
static int probe_args(napi_env env, napi_callback_info info, int *isa, long *x, long *nt, long *ms) {
  napi_value v[4];
  return get_args(env, info, 4, v) && parse_isa(env, v[0], isa) && get_long(env, v[1], x) &&
         get_long(env, v[2], nt) && get_long(env, v[3], ms);
}

/* peakFma(isa, f64, threads, ms) → GFLOP/s */
napi_value js_peak(napi_env env, napi_callback_info info) {
  int isa;
  long f64, nt, ms;
  if (!probe_args(env, info, &isa, &f64, &nt, &ms)) return NULL;
  const double r = dlb_peak_fma(isa, (int)f64, (int)nt, (double)ms);
  if (r < 0) return fail(env, "dlbench native: peak probe refused (ISA missing or bad thread count)");
  return make_num(env, r);
}

/* readBandwidth(isa, bytesPerThread, threads, ms) → GB/s */
napi_value js_read_bw(napi_env env, napi_callback_info info) {
  int isa;
  long bytes, nt, ms;
  if (!probe_args(env, info, &isa, &bytes, &nt, &ms)) return NULL;
  const double r = dlb_read_bw(isa, (size_t)bytes, (int)nt, (double)ms);
  if (r < 0) return fail(env, "dlbench native: read-bandwidth probe failed");
  return make_num(env, r);
}

/* stream('copy' | 'triad', elements, threads, reps) → GB/s */
napi_value js_stream(napi_env env, napi_callback_info info) {
  napi_value v[4];
  char kind[8];
  size_t len;
  long n, nt, reps;
  if (!get_args(env, info, 4, v) ||
      napi_get_value_string_utf8(env, v[0], kind, sizeof kind, &len) != napi_ok || !get_long(env, v[1], &n) ||
      !get_long(env, v[2], &nt) || !get_long(env, v[3], &reps))
    return NULL;
  if (strcmp(kind, "copy") && strcmp(kind, "triad"))
    return fail(env, "dlbench native: stream kind must be copy or triad");
  const double r = dlb_stream(strcmp(kind, "copy") ? 1 : 0, (size_t)n, (int)nt, (int)reps);
  if (r < 0) return fail(env, "dlbench native: STREAM probe failed (out of memory?)");
  return make_num(env, r);
}