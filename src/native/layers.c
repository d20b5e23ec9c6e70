/* The memory-bound network layers in C (layer/native): ReLU, bias add, max-pool, LRN, softmax,
 * NCHW and NHWC. In JavaScript they ran at ~1 ns an element (no SIMD), which made them 9–15% of
 * VGG-16's forward pass, more than its fc layers; here each is one or two streaming passes that
 * GCC vectorizes at -O3, split over the pool's threads when the tensor is large.
 * Layouts: NCHW walks H·W planes (channel c of image n); NHWC walks pixels, the C channels of one
 * pixel contiguous, so the channel loop is the vector loop. */
#include <math.h>
#include <string.h>
#include "dlb.h"

static void split(long units, int t, int nt, long *lo, long *hi) {
  *lo = units * t / nt;
  *hi = units * (t + 1) / nt;
}

typedef struct {
  int layout; /* 0 NCHW, 1 NHWC */
  long n, c, h, w;
  long size, stride;
  float alpha, beta, k;
  const float *x, *bias;
  float *out;
} layer_job;

static void run(layer_job *j, long units, dlb_task fn, int threads) {
  /* Below ~256 K elements a pool wake-up costs more than the second core gives back. */
  const int nt = dlb_threads_for((double)j->n * j->c * j->h * j->w, units, threads, 1 << 18);
  if (nt == 1)
    fn(j, 0, 1);
  else
    dlb_parallel(nt, fn, j);
}

/* ---- ReLU: (v > 0 ? v : 0), a max with zero (a NaN input gives 0 here, NaN in the JS rung). ---- */
#define RELU_CHUNK 4096 /* threads take whole 16 KiB chunks: whole pages, no shared cache lines */
static void relu_task(void *ctx, int t, int nt) {
  const layer_job *j = ctx;
  long lo, hi;
  split((j->n + RELU_CHUNK - 1) / RELU_CHUNK, t, nt, &lo, &hi);
  lo *= RELU_CHUNK;
  hi = hi * RELU_CHUNK < j->n ? hi * RELU_CHUNK : j->n;
  const float *x = j->x;
  float *o = j->out;
  for (long i = lo; i < hi; i++) o[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void dlb_relu(int threads, long len, const float *x, float *out) {
  layer_job j = {0, len, 1, 1, 1, 0, 0, 0, 0, 0, x, NULL, out};
  run(&j, (len + RELU_CHUNK - 1) / RELU_CHUNK, relu_task, threads);
}

/* ---- Bias add: NCHW adds bias[c] to a plane; NHWC adds the bias vector to each pixel. ---- */
static void bias_task(void *ctx, int t, int nt) {
  const layer_job *j = ctx;
  const long hw = j->h * j->w;
  long lo, hi;
  if (j->layout == 0) {
    split(j->n * j->c, t, nt, &lo, &hi);
    for (long pl = lo; pl < hi; pl++) {
      const float b = j->bias[pl % j->c], *x = j->x + pl * hw;
      float *o = j->out + pl * hw;
      for (long i = 0; i < hw; i++) o[i] = x[i] + b;
    }
  } else {
    split(j->n * hw, t, nt, &lo, &hi);
    for (long px = lo; px < hi; px++) {
      const float *x = j->x + px * j->c, *b = j->bias;
      float *o = j->out + px * j->c;
      for (long ch = 0; ch < j->c; ch++) o[ch] = x[ch] + b[ch];
    }
  }
}

void dlb_bias(int threads, int layout, long n, long c, long h, long w, const float *x, const float *bias,
              float *out) {
  layer_job j = {layout, n, c, h, w, 0, 0, 0, 0, 0, x, bias, out};
  run(&j, layout == 0 ? n * c : n * h * w, bias_task, threads);
}

/* ---- Max-pool, size×size windows, stride, no padding, floor mode. ---- */
static long pool_out(long x, long size, long stride) { return (x - size) / stride + 1; }

/* NCHW: for each output row, the column-wise max of its `size` input rows (contiguous, vectorized)
 * into a row buffer in L1, then the strided window max along that row. */
static void pool_nchw_task(void *ctx, int t, int nt) {
  const layer_job *j = ctx;
  const long P = pool_out(j->h, j->size, j->stride), Q = pool_out(j->w, j->size, j->stride);
  const long used = (Q - 1) * j->stride + j->size; /* input columns any window touches */
  float *rowmax = dlb_tls_scratch(0, (size_t)used);
  long lo, hi;
  split(j->n * j->c, t, nt, &lo, &hi);
  for (long pl = lo; pl < hi; pl++) {
    const float *x = j->x + pl * j->h * j->w;
    float *o = j->out + pl * P * Q;
    for (long py = 0; py < P; py++) {
      const float *r0 = x + py * j->stride * j->w;
      memcpy(rowmax, r0, used * sizeof(float));
      for (long r = 1; r < j->size; r++) {
        const float *rr = r0 + r * j->w;
        for (long i = 0; i < used; i++) rowmax[i] = rr[i] > rowmax[i] ? rr[i] : rowmax[i];
      }
      for (long qx = 0; qx < Q; qx++) {
        const float *win = rowmax + qx * j->stride;
        float m = win[0];
        for (long s = 1; s < j->size; s++) m = win[s] > m ? win[s] : m;
        o[py * Q + qx] = m;
      }
    }
  }
}

/* NHWC: an output pixel is the element-wise max of size² input pixels' channel vectors. */
static void pool_nhwc_task(void *ctx, int t, int nt) {
  const layer_job *j = ctx;
  const long P = pool_out(j->h, j->size, j->stride), Q = pool_out(j->w, j->size, j->stride), C = j->c;
  long lo, hi;
  split(j->n * P, t, nt, &lo, &hi);
  for (long row = lo; row < hi; row++) {
    const long img = row / P, py = row % P;
    for (long qx = 0; qx < Q; qx++) {
      float *o = j->out + ((img * P + py) * Q + qx) * C;
      for (long r = 0; r < j->size; r++)
        for (long s = 0; s < j->size; s++) {
          const float *x = j->x + ((img * j->h + py * j->stride + r) * j->w + qx * j->stride + s) * C;
          if (r == 0 && s == 0)
            memcpy(o, x, C * sizeof(float));
          else
            for (long ch = 0; ch < C; ch++) o[ch] = x[ch] > o[ch] ? x[ch] : o[ch];
        }
    }
  }
}

void dlb_maxpool(int threads, int layout, long n, long c, long h, long w, long size, long stride,
                 const float *x, float *out) {
  layer_job j = {layout, n, c, h, w, size, stride, 0, 0, 0, x, NULL, out};
  if (layout == 0)
    run(&j, n * c, pool_nchw_task, threads);
  else
    run(&j, n * pool_out(h, size, stride), pool_nhwc_task, threads);
}

/* ---- LRN across channels: b = a / (k + α/size · Σ a²)^β over the size channels around c.
 * The window's squares are summed afresh per output (size MACs, no running sum, so no cancellation),
 * channel by channel into a row of sums so the inner loops are unit-stride and vectorize; β = 3/4 is
 * 1/(√t·√√t), two square roots that vectorize where powf does not. ---- */
static void lrn_finish(const float *x, const float *sum, long len, float a, float k, float beta, float *o) {
  if (beta == 0.75f) {
    for (long i = 0; i < len; i++) {
      const float r = sqrtf(k + a * sum[i]);
      o[i] = x[i] / (r * sqrtf(r));
    }
  } else {
    for (long i = 0; i < len; i++) o[i] = x[i] * powf(k + a * sum[i], -beta);
  }
}

static void lrn_nchw_task(void *ctx, int t, int nt) {
  const layer_job *j = ctx;
  const long hw = j->h * j->w, C = j->c, half = j->size / 2;
  const float a = j->alpha / (float)j->size;
  float *sum = dlb_tls_scratch(0, (size_t)hw);
  long lo, hi;
  split(j->n * C, t, nt, &lo, &hi);
  for (long pl = lo; pl < hi; pl++) {
    const long img = pl / C, ch = pl % C;
    const long c0 = ch - half < 0 ? 0 : ch - half, c1 = ch + half >= C ? C - 1 : ch + half;
    const float *base = j->x + img * C * hw;
    for (long i = 0; i < hw; i++) sum[i] = 0.0f;
    for (long cc = c0; cc <= c1; cc++) {
      const float *xc = base + cc * hw;
      for (long i = 0; i < hw; i++) sum[i] += xc[i] * xc[i];
    }
    lrn_finish(base + ch * hw, sum, hw, a, j->k, j->beta, j->out + pl * hw);
  }
}

/* NHWC: a pixel's squares go into a row padded with size/2 zeros each side, then each window is a
 * sum of `size` shifted copies of that row. */
static void lrn_nhwc_task(void *ctx, int t, int nt) {
  const layer_job *j = ctx;
  const long C = j->c, half = j->size / 2;
  const float a = j->alpha / (float)j->size;
  float *sq = dlb_tls_scratch(0, (size_t)(C + 2 * half)), *sum = dlb_tls_scratch(1, (size_t)C);
  for (long i = 0; i < half; i++) sq[i] = sq[C + half + i] = 0.0f;
  long lo, hi;
  split(j->n * j->h * j->w, t, nt, &lo, &hi);
  for (long px = lo; px < hi; px++) {
    const float *x = j->x + px * C;
    for (long ch = 0; ch < C; ch++) sq[half + ch] = x[ch] * x[ch];
    for (long ch = 0; ch < C; ch++) sum[ch] = sq[ch];
    for (long d = 1; d < j->size; d++)
      for (long ch = 0; ch < C; ch++) sum[ch] += sq[ch + d];
    lrn_finish(x, sum, C, a, j->k, j->beta, j->out + px * C);
  }
}

void dlb_lrn(int threads, int layout, long n, long c, long h, long w, long size, float alpha, float beta,
             float k, const float *x, float *out) {
  layer_job j = {layout, n, c, h, w, size, 0, alpha, beta, k, x, NULL, out};
  if (layout == 0)
    run(&j, n * c, lrn_nchw_task, threads);
  else
    run(&j, n * h * w, lrn_nhwc_task, threads);
}

/* ---- Softmax over rows of n×d, shifted by the row max. exp and the sum in double: a row is at
 * most a few thousand logits, and float expf plus a float scale missed the fp32 bound on wide logits. ---- */
void dlb_softmax(long n, long d, const float *x, float *out) {
  for (long r = 0; r < n; r++) {
    const float *xr = x + r * d;
    float *o = out + r * d, m = -INFINITY;
    for (long i = 0; i < d; i++) m = xr[i] > m ? xr[i] : m;
    double sum = 0.0;
    for (long i = 0; i < d; i++) sum += exp((double)xr[i] - m);
    const double inv = 1.0 / sum;
    for (long i = 0; i < d; i++) o[i] = (float)(exp((double)xr[i] - m) * inv);
  }
}
