/* Roofs: the per-thread dispatch of the peak and read probes, and STREAM copy/triad.
 * STREAM counts bytes as McCalpin's STREAM does (copy 16 B, triad 24 B per double element,
 * no write-allocate traffic) and reports the best of reps; arrays must exceed the L3
 * several times over for the result to be DRAM bandwidth. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../dlb.h"

double dlb_now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
  int isa, f64;
  double ms;
  size_t bytes;
  double result[256];
} probe_job;

static void peak_task(void *ctx, int t, int nt) {
  (void)nt;
  probe_job *j = ctx;
  j->result[t] = dlb_isa_ops_built(j->isa)->peak_fma(j->f64, j->ms);
}

double dlb_peak_fma(int isa, int f64, int nt, double ms) {
  if (!dlb_isa_supported(isa) || nt < 1 || nt > 256) return -1;
  probe_job j = {isa, f64, ms, 0, {0}};
  dlb_parallel(nt, peak_task, &j);
  double sum = 0;
  for (int t = 0; t < nt; t++) sum += j.result[t];
  return sum;
}

static volatile double read_sink;

/* The scalar ISA's read probe lives here, not in peak_scalar.c, so it keeps this target's flags (where
 * the compiler may vectorize it) and the scalar read roof stays what it has always measured. */
double dlb_read_sum_scalar(const float *x, size_t n) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (size_t i = 0; i < n; i += 4) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
  }
  return s0 + s1 + s2 + s3;
}

static void read_task(void *ctx, int t, int nt) {
  (void)nt;
  probe_job *j = ctx;
  double (*read_sum)(const float *, size_t) = dlb_isa_ops_built(j->isa)->read_sum;
  const size_t n = j->bytes / sizeof(float) / 128 * 128;
  float *x = aligned_alloc(64, n * sizeof(float));
  if (!x) {
    j->result[t] = -1;
    return;
  }
  for (size_t i = 0; i < n; i++) x[i] = 1.0f / (float)(i % 7 + 1);
  double s = 0;
  long passes = 0;
  const double t0 = dlb_now_s();
  double t1 = t0;
  do {
    for (int r = 0; r < 8; r++) s += read_sum(x, n);
    passes += 8;
    t1 = dlb_now_s();
  } while ((t1 - t0) * 1e3 < j->ms);
  read_sink = s;
  j->result[t] = (double)passes * n * sizeof(float) / (t1 - t0) / 1e9;
  free(x);
}

double dlb_read_bw(int isa, size_t bytes, int nt, double ms) {
  if (!dlb_isa_supported(isa) || nt < 1 || nt > 256 || bytes < 512) return -1;
  probe_job j = {isa, 0, ms, bytes, {0}};
  dlb_parallel(nt, read_task, &j);
  double sum = 0;
  for (int t = 0; t < nt; t++) {
    if (j.result[t] < 0) return -1;
    sum += j.result[t];
  }
  return sum;
}

typedef struct {
  double *a, *b, *c;
  size_t n;
  int kind; /* 0: init, 1: copy c = a, 2: triad a = b + s·c */
} stream_job;

static void stream_task(void *ctx, int t, int nt) {
  stream_job *j = ctx;
  const size_t lo = j->n * t / nt, hi = j->n * (t + 1) / nt;
  double *restrict a = j->a, *restrict b = j->b, *restrict c = j->c;
  const double s = 3.0;
  if (j->kind == 0) {
    for (size_t i = lo; i < hi; i++) {
      a[i] = 1.0;
      b[i] = 2.0;
      c[i] = 0.0;
    }
  } else if (j->kind == 1) {
    for (size_t i = lo; i < hi; i++) c[i] = a[i];
  } else {
    for (size_t i = lo; i < hi; i++) a[i] = b[i] + s * c[i];
  }
}

double dlb_stream(int kind, size_t n, int nt, int reps) {
  if (nt < 1 || nt > 256 || reps < 1 || n < 1024) return -1;
  stream_job j = {aligned_alloc(64, n * 8), aligned_alloc(64, n * 8), aligned_alloc(64, n * 8), n, 0};
  double best = -1;
  if (j.a && j.b && j.c) {
    dlb_parallel(nt, stream_task, &j); /* first touch by the threads that will stream them */
    j.kind = kind == 0 ? 1 : 2;
    for (int r = 0; r < reps; r++) {
      const double t0 = dlb_now_s();
      dlb_parallel(nt, stream_task, &j);
      const double dt = dlb_now_s() - t0;
      const double gbs = (kind == 0 ? 16.0 : 24.0) * n / dt / 1e9;
      if (gbs > best) best = gbs;
    }
  }
  free(j.a);
  free(j.b);
  free(j.c);
  return best;
}
