/* im2col for the conv2d rung "im2col + any GEMM": lowers one image's convolution to a GEMM.
 * Output size: P = (H + 2·ph − dh·(R−1) − 1)/sh + 1, Q = (W + 2·pw − dw·(S−1) − 1)/sw + 1.
 * NCHW: in is C×H×W; out is (C·R·S) × (P·Q) row-major, row (c·R + r)·S + s, column p·Q + q,
 *   so conv = W[K × C·R·S] · out and the product is K × P·Q, i.e. NCHW output.
 * NHWC: in is H×W×C; out is (P·Q) × (R·S·C) row-major, row p·Q + q, column (r·S + s)·C + c,
 *   so conv = out · Wᵀ with W stored K×R×S×C, and the product is P·Q × K, i.e. NHWC output.
 * Taps that fall in the padding read as 0. */
#include <string.h>
#include "dlb.h"

void dlb_im2col_nchw(const float *in, long C, long H, long W, long R, long S, long sh, long sw,
                     long ph, long pw, long dh, long dw, float *out) {
  const long P = (H + 2 * ph - dh * (R - 1) - 1) / sh + 1;
  const long Q = (W + 2 * pw - dw * (S - 1) - 1) / sw + 1;
  for (long c = 0; c < C; c++) {
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

void dlb_im2col_nhwc(const float *in, long C, long H, long W, long R, long S, long sh, long sw,
                     long ph, long pw, long dh, long dw, float *out) {
  const long P = (H + 2 * ph - dh * (R - 1) - 1) / sh + 1;
  const long Q = (W + 2 * pw - dw * (S - 1) - 1) / sw + 1;
  for (long p = 0; p < P; p++) {
    for (long q = 0; q < Q; q++) {
      float *row = out + (p * Q + q) * R * S * C;
      for (long r = 0; r < R; r++) {
        const long h = p * sh - ph + r * dh;
        for (long s = 0; s < S; s++) {
          const long w = q * sw - pw + s * dw;
          float *dst = row + (r * S + s) * C;
          /* NHWC keeps a pixel's C channels contiguous: one copy per tap. */
          if (h < 0 || h >= H || w < 0 || w >= W) memset(dst, 0, C * sizeof(float));
          else memcpy(dst, in + (h * W + w) * C, C * sizeof(float));
        }
      }
    }
  }
}
