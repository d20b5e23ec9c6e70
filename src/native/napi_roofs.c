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
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* Sizes from CPUID's deterministic cache parameters: AMD's leaf 0x8000001D, else Intel's leaf 4.
 * Each subleaf is one cache: type in EAX[4:0] (0 ends the list, 2 is instruction), level in
 * EAX[7:5], ways, partitions and line size minus one in EBX, sets minus one in ECX. */
static void cpuid_cache_sizes(double bytes[4]) {
  unsigned a, b, c, d;
  unsigned leaf = 4;
  if (__get_cpuid(0x80000000u, &a, &b, &c, &d) && a >= 0x8000001Du) {
    __cpuid_count(0x8000001Du, 0, a, b, c, d);
    if (a & 0x1f) leaf = 0x8000001Du;
  }
  if (leaf == 4 && __get_cpuid(0x80000000u, &a, &b, &c, &d) && a >= 0x80000006u &&
      __get_cpuid(0, &a, &b, &c, &d) && b == 0x68747541u) {
    /* AMD without the deterministic leaf (some VMs hide it): the legacy leaves 0x80000005 (L1d KiB
     * in ECX[31:24]) and 0x80000006 (L2 KiB in ECX[31:16]). Its L3 field is left out: VMs report
     * the whole package there (hundreds of MiB), and the probes would size their buffers from it. */
    __cpuid(0x80000005u, a, b, c, d);
    bytes[1] = (double)(c >> 24) * 1024;
    __cpuid(0x80000006u, a, b, c, d);
    bytes[2] = (double)(c >> 16) * 1024;
    return;
  }
  if (leaf == 4 && (!__get_cpuid(0, &a, &b, &c, &d) || a < 4)) return;
  for (unsigned i = 0; i < 16; i++) {
    __cpuid_count(leaf, i, a, b, c, d);
    const unsigned type = a & 0x1f, level = (a >> 5) & 7;
    if (type == 0) break;
    if (type == 2 || level < 1 || level > 3) continue;
    bytes[level] =
        (double)(((b >> 22) & 0x3ff) + 1) * (((b >> 12) & 0x3ff) + 1) * ((b & 0xfff) + 1) * ((double)c + 1);
  }
}
#else
static void cpuid_cache_sizes(double bytes[4]) { (void)bytes; }
#endif

/* cpuidCaches() → {L1d?, L2?, L3?} in bytes per cache, for when sysfs hides them; {} off x86. */
napi_value js_cpuid_caches(napi_env env, napi_callback_info info) {
  (void)info;
  double bytes[4] = {0, 0, 0, 0};
  cpuid_cache_sizes(bytes);
  napi_value obj;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  static const char *const names[4] = {"", "L1d", "L2", "L3"};
  for (int l = 1; l <= 3; l++)
    if (bytes[l] > 0 && napi_set_named_property(env, obj, names[l], make_num(env, bytes[l])) != napi_ok)
      return NULL;
  return obj;
}
