/* im2col for the conv2d rung "im2col + any GEMM": lowers one image's convolution to a GEMM.
 * Output size: P = (H + 2·ph − dh·(R−1) − 1)/sh + 1, Q = (W + 2·pw − dw·(S−1) − 1)/sw + 1.
 * NCHW: in is C×H×W; out is (C·R·S) × (P·Q) row-major, row (c·R + r)·S + s, column p·Q + q,
 *   so conv = W[K × C·R·S] · out and the product is K × P·Q, i.e. NCHW output.
 * NHWC: in is H×W×C; out is (P·Q) × (R·S·C) row-major, row p·Q + q, column (r·S + s)·C + c,
 *   so conv = out · Wᵀ with W stored K×R×S×C, and the product is P·Q × K, i.e. NHWC output.
 * Taps that fall in the padding read as 0. */
#include <string.h>
#include "dlb.h"

/* Channels [c0, c1) of the NCHW unfolding (rows (c·R + r)·S + s of out). */
static void im2col_nchw_range(const float *in, long C, long H, long W, long R, long S, long sh, long sw,
                              long ph, long pw, long dh, long dw, float *out, long c0, long c1) {
  const long P = (H + 2 * ph - dh * (R - 1) - 1) / sh + 1;
  const long Q = (W + 2 * pw - dw * (S - 1) - 1) / sw + 1;
  (void)C;
  for (long c = c0; c < c1; c++) {
    const float *plane = in + c * H * W;
    for (long r = 0; r < R; r++) {
      for (long s = 0; s < S; s++) {
        float *row = out + ((c * R + r) * S + s) * P * Q;
        for (long p = 0; p < P; p++) {
          const long h = p * sh - ph + r * dh;
          float *dst = row + p * Q;
          if (h < 0 || h >= H) {
            memset(dst, 0, Q * sizeof(float));
            continue;
          }
          const float *src = plane + h * W;
          const long w0 = -pw + s * dw;
          if (sw == 1 && w0 >= 0 && w0 + Q <= W) {
            memcpy(dst, src + w0, Q * sizeof(float));
          } else {
            for (long q = 0; q < Q; q++) {
              const long w = q * sw + w0;
              dst[q] = (w >= 0 && w < W) ? src[w] : 0.0f;
            }
          }
        }
      }
    }
  }
}

/* Output rows [p0, p1) of the NHWC unfolding. */
static void im2col_nhwc_range(const float *in, long C, long H, long W, long R, long S, long sh, long sw,
                              long ph, long pw, long dh, long dw, float *out, long p0, long p1) {
  const long Q = (W + 2 * pw - dw * (S - 1) - 1) / sw + 1;
  for (long p = p0; p < p1; p++) {
    for (long q = 0; q < Q; q++) {
      float *row = out + (p * Q + q) * R * S * C;
      for (long r = 0; r < R; r++) {
        const long h = p * sh - ph + r * dh;
        for (long s = 0; s < S; s++) {
          const long w = q * sw - pw + s * dw;
          float *dst = row + (r * S + s) * C;
          /* NHWC keeps a pixel's C channels contiguous: one copy per tap. */
          if (h < 0 || h >= H || w < 0 || w >= W)
            memset(dst, 0, C * sizeof(float));
          else
            memcpy(dst, in + (h * W + w) * C, C * sizeof(float));
        }
      }
    }
  }
}

/* The unfolding is one memory-bound pass writing R·S/stride² times the input (AlexNet's conv1:
 * 4.4 MB from 0.6 MB), so on two threads it is split in two: NCHW by channel, NHWC by output row. */
typedef struct {
  int nhwc;
  const float *in;
  long C, H, W, R, S, sh, sw, ph, pw, dh, dw;
  float *out;
} im2col_job;

static void im2col_task(void *ctx, int t, int nt) {
  const im2col_job *j = ctx;
  const long P = (j->H + 2 * j->ph - j->dh * (j->R - 1) - 1) / j->sh + 1;
  const long units = j->nhwc ? P : j->C, lo = units * t / nt, hi = units * (t + 1) / nt;
  if (j->nhwc)
    im2col_nhwc_range(j->in, j->C, j->H, j->W, j->R, j->S, j->sh, j->sw, j->ph, j->pw, j->dh, j->dw, j->out,
                      lo, hi);
  else
    im2col_nchw_range(j->in, j->C, j->H, j->W, j->R, j->S, j->sh, j->sw, j->ph, j->pw, j->dh, j->dw, j->out,
                      lo, hi);
}

static void im2col_run(int threads, int nhwc, const float *in, long C, long H, long W, long R, long S,
                       long sh, long sw, long ph, long pw, long dh, long dw, float *out) {
  im2col_job j = {nhwc, in, C, H, W, R, S, sh, sw, ph, pw, dh, dw, out};
  const long P = (H + 2 * ph - dh * (R - 1) - 1) / sh + 1, Q = (W + 2 * pw - dw * (S - 1) - 1) / sw + 1;
  const long units = nhwc ? P : C;
  /* Below ~256 K written values a pool wake-up is not worth it. */
  const int nt = dlb_threads_for((double)C * R * S * P * Q, units, threads, 1 << 18);
  if (nt == 1)
    im2col_task(&j, 0, 1);
  else
    dlb_parallel(nt, im2col_task, &j);
}

void dlb_im2col_nchw(const float *in, long C, long H, long W, long R, long S, long sh, long sw, long ph,
                     long pw, long dh, long dw, float *out) {
  im2col_run(1, 0, in, C, H, W, R, S, sh, sw, ph, pw, dh, dw, out);
}

void dlb_im2col_nhwc(const float *in, long C, long H, long W, long R, long S, long sh, long sw, long ph,
                     long pw, long dh, long dw, float *out) {
  im2col_run(1, 1, in, C, H, W, R, S, sh, sw, ph, pw, dh, dw, out);
}

void dlb_im2col(int threads, int nhwc, const float *in, long C, long H, long W, long R, long S, long sh,
                long sw, long ph, long pw, long dh, long dw, float *out) {
  im2col_run(threads, nhwc, in, C, H, W, R, S, sh, sw, ph, pw, dh, dw, out);
}
