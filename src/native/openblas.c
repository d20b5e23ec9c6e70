/* The vendor-BLAS reference rung: a system CBLAS (OpenBLAS, else BLIS, else any libblas that
 * exports cblas_sgemm) found with dlopen at run time, so the addon never links against it and
 * builds and loads without it. Thread count via openblas_set_num_threads or BLIS's equivalent. */
#include <dlfcn.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "dlb.h"

enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*config_fn)(void);

static void *lib;
static sgemm_fn sgemm;
static set_threads_fn set_threads;
static int threads_set = -1;
static const char *loaded_path;
static char reason[512];
static char config[256];
static char corename[64];
static int tried;

static const char *const candidates[] = {
    "libopenblas.so.0", "libopenblas.so", "libopenblasp-r0.so", "libblis.so.4",  "libblis.so.3", "libblis.so",
    "libblas.so.3",     "libcblas.so.3",  "libopenblas.dylib",  "libblis.dylib", NULL,
};

const char *dlb_blas_load(void) {
  if (tried) return sgemm ? NULL : reason;
  tried = 1;
  snprintf(reason, sizeof reason,
           "no CBLAS library found (tried libopenblas.so.0, libblis.so.4, libblas.so.3…); "
           "install one, e.g. apt-get install libopenblas0");
  /* OpenBLAS's idle threads spin for a while after each call; the next parallel variant timed
     (ours) then finds a core busy and runs at one core's speed (0.5x at 1024 on 2 threads).
     Let them sleep at once, unless the user chose otherwise; read by OpenBLAS at load. */
  setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0);
  for (int i = 0; candidates[i]; i++) {
    void *h = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
    if (!h) continue;
    sgemm_fn f = (sgemm_fn)dlsym(h, "cblas_sgemm");
    if (!f) {
      snprintf(reason, sizeof reason, "%s has no cblas_sgemm", candidates[i]);
      dlclose(h);
      continue;
    }
    lib = h;
    sgemm = f;
    loaded_path = candidates[i];
    set_threads = (set_threads_fn)dlsym(h, "openblas_set_num_threads");
    if (!set_threads) set_threads = (set_threads_fn)dlsym(h, "bli_thread_set_num_threads");
    config_fn cfg = (config_fn)dlsym(h, "openblas_get_config");
    snprintf(config, sizeof config, "%s", cfg ? cfg() : candidates[i]);
    /* The kernel OpenBLAS picked at load (DYNAMIC_ARCH) or was built for; OPENBLAS_CORETYPE can pin
       it below the CPU, which the run context and the table must say. */
    config_fn core = (config_fn)dlsym(h, "openblas_get_corename");
    snprintf(corename, sizeof corename, "%s", core ? core() : "");
    return NULL;
  }
  return reason;
}

const char *dlb_blas_path(void) { return loaded_path; }
const char *dlb_blas_config(void) { return config; }
const char *dlb_blas_corename(void) { return corename; }

int dlb_blas_sgemm(int transA, int transB, long m, long n, long k, const float *a, long lda, const float *b,
                   long ldb, float *c, long ldc, int beta, int threads) {
  if (dlb_blas_load()) return -1;
  if (set_threads && threads != threads_set) {
    set_threads(threads);
    threads_set = threads;
  }
  if (m == 0 || n == 0) return 0;
  sgemm(CBLAS_ROW_MAJOR, transA ? CBLAS_TRANS : CBLAS_NO_TRANS, transB ? CBLAS_TRANS : CBLAS_NO_TRANS, (int)m,
        (int)n, (int)k, 1.0f, a, (int)(lda > 0 ? lda : 1), b, (int)(ldb > 0 ? ldb : 1), beta ? 1.0f : 0.0f, c,
        (int)(ldc > 0 ? ldc : 1));
  return 0;
}
