/* Winograd rung, native tile transforms (driver: ../winograd.c). Each winograd_<isa>.c includes
 * this under its own -m flags with WNR = that ISA's GEMM micro-kernel NR: the input transform writes
 * V straight into the kernel's packed-B format (NR tiles side by side per channel), so the α² GEMMs
 * run with no packing at all. Lanes are tiles: the arithmetic is plain loops over WNR lanes for the
 * auto-vectorizer; gathering a tile and scattering its outputs are scalar (bottleneck: those moves). */
#include <string.h>
#include "../dlb.h"

/* A tile's place: global index tg = n·T + t; (n, y0, x0) of its input window, or n = −1 past N·T. */
static void tile_at(const dlb_wino_geom *g, long tg, long *n, long *y0, long *x0) {
  if (tg >= g->N * g->T) {
    *n = -1;
    return;
  }
  const long t = tg % g->T;
  *n = tg / g->T;
  *y0 = (t / g->tw) * g->m - g->pad;
  *x0 = (t % g->tw) * g->m - g->pad;
}

/* d[i·A + j][l] = the A×A window of lane l's tile in channel c (zeros in the padding and past N·T).
 * A and the column stride XS are compile-time constants here (one copy per tile size and layout), so
 * the interior copy is straight-line loads at fixed offsets rather than a loop with index arithmetic. */
#define GATHER(NAME, A, XS_IS_ONE)                                                                          \
  static void NAME(const dlb_wino_geom *g, const float *x, long c, const long *tn, const long *ty,          \
                   const long *tx, float d[][WNR]) {                                                        \
    const long ys = g->nchw ? g->W : g->W * g->C, xs = XS_IS_ONE ? 1 : g->C;                                \
    const long img = g->C * g->H * g->W, cs = g->nchw ? g->H * g->W : 1;                                    \
    for (int l = 0; l < WNR; l++) {                                                                         \
      if (tn[l] < 0) {                                                                                      \
        for (int q = 0; q < A * A; q++) d[q][l] = 0.0f;                                                     \
        continue;                                                                                           \
      }                                                                                                     \
      const float *base = x + tn[l] * img + c * cs;                                                         \
      const long y0 = ty[l], x0 = tx[l];                                                                    \
      if (y0 >= 0 && x0 >= 0 && y0 + A <= g->H && x0 + A <= g->W) {                                         \
        const float *row = base + y0 * ys + x0 * xs;                                                        \
        _Pragma("GCC unroll 6") for (int i = 0; i < A; i++) {                                               \
          _Pragma("GCC unroll 6") for (int j = 0; j < A; j++) d[i * A + j][l] = row[i * ys + j * xs];       \
        }                                                                                                   \
      } else {                                                                                              \
        for (int i = 0; i < A; i++) {                                                                       \
          const long y = y0 + i;                                                                            \
          for (int j = 0; j < A; j++) {                                                                     \
            const long xx = x0 + j;                                                                         \
            d[i * A + j][l] = (y >= 0 && y < g->H && xx >= 0 && xx < g->W) ? base[y * ys + xx * xs] : 0.0f; \
          }                                                                                                 \
        }                                                                                                   \
      }                                                                                                     \
    }                                                                                                       \
  }
GATHER(gather6_nchw, 6, 1)
GATHER(gather6_nhwc, 6, 0)
GATHER(gather4_nchw, 4, 1)
GATHER(gather4_nhwc, 4, 0)

/* F(4×4,3×3): Bᵀ rows (interpolation points 0, ±1, ±2, ∞) applied to 6 lane vectors with stride st. */
#define BT6(src, st, dst, dt)                                                  \
  for (int l = 0; l < WNR; l++) {                                              \
    const float d0 = src[0 * st][l], d1 = src[1 * st][l], d2 = src[2 * st][l]; \
    const float d3 = src[3 * st][l], d4 = src[4 * st][l], d5 = src[5 * st][l]; \
    dst[0 * dt][l] = 4.0f * d0 - 5.0f * d2 + d4;                               \
    dst[1 * dt][l] = -4.0f * (d1 + d2) + d3 + d4;                              \
    dst[2 * dt][l] = 4.0f * (d1 - d2) - d3 + d4;                               \
    dst[3 * dt][l] = 2.0f * (d3 - d1) - d2 + d4;                               \
    dst[4 * dt][l] = 2.0f * (d1 - d3) - d2 + d4;                               \
    dst[5 * dt][l] = 4.0f * d1 - 5.0f * d3 + d5;                               \
  }

/* F(2×2,3×3): Bᵀ rows on 4 lane vectors. */
#define BT4(src, st, dst, dt)                                                                       \
  for (int l = 0; l < WNR; l++) {                                                                   \
    const float d0 = src[0 * st][l], d1 = src[1 * st][l], d2 = src[2 * st][l], d3 = src[3 * st][l]; \
    dst[0 * dt][l] = d0 - d2;                                                                       \
    dst[1 * dt][l] = d1 + d2;                                                                       \
    dst[2 * dt][l] = d2 - d1;                                                                       \
    dst[3 * dt][l] = d1 - d3;                                                                       \
  }

void DLB_WINO(dlb_wino_input)(const dlb_wino_geom *g, const float *x, long grp, long c0, long c1, long t0,
                              long nb, long s0, long s1, float *vp) {
  const int a = g->alpha, a2 = a * a;
  const long ns = nb / WNR;
  float d[36][WNR] __attribute__((aligned(64)));
  float t1[36][WNR] __attribute__((aligned(64)));
  float v[36][WNR] __attribute__((aligned(64)));
  long tn[WNR], ty[WNR], tx[WNR];
  for (long s = s0; s < s1; s++) {
    for (int l = 0; l < WNR; l++) tile_at(g, t0 + s * WNR + l, &tn[l], &ty[l], &tx[l]);
    for (long c = c0; c < c1; c++) {
#ifdef WINO_NCHW_VEC
      if (g->nchw)
        for (int l0 = 0; l0 < WNR; l0 += 16) gather16_nchw(g, x, grp * g->cg + c, tn, ty, tx, l0, d);
      else
#endif
        (a == 6 ? (g->nchw ? gather6_nchw : gather6_nhwc) : (g->nchw ? gather4_nchw : gather4_nhwc))(
            g, x, grp * g->cg + c, tn, ty, tx, d);
      if (a == 6) {
        for (int j = 0; j < 6; j++) BT6((d + j), 6, (t1 + j), 6);         /* columns: t1 = Bᵀ·d */
        for (int i = 0; i < 6; i++) BT6((t1 + 6 * i), 1, (v + 6 * i), 1); /* rows: V = t1·B */
      } else {
        for (int j = 0; j < 4; j++) BT4((d + j), 4, (t1 + j), 4);
        for (int i = 0; i < 4; i++) BT4((t1 + 4 * i), 1, (v + 4 * i), 1);
      }
      for (int xi = 0; xi < a2; xi++) memcpy(vp + ((xi * ns + s) * g->cg + c) * WNR, v[xi], sizeof v[xi]);
    }
  }
}

/* Aᵀ rows: F(4×4) maps 6 values to 4, F(2×2) maps 4 to 2. */
#define AT6(src, st, dst, dt)                                                  \
  for (int l = 0; l < WNR; l++) {                                              \
    const float m0 = src[0 * st][l], m1 = src[1 * st][l], m2 = src[2 * st][l]; \
    const float m3 = src[3 * st][l], m4 = src[4 * st][l], m5 = src[5 * st][l]; \
    const float p12 = m1 + m2, n12 = m1 - m2, p34 = m3 + m4, n34 = m3 - m4;    \
    dst[0 * dt][l] = m0 + p12 + p34;                                           \
    dst[1 * dt][l] = n12 + 2.0f * n34;                                         \
    dst[2 * dt][l] = p12 + 4.0f * p34;                                         \
    dst[3 * dt][l] = n12 + 8.0f * n34 + m5;                                    \
  }
#define AT4(src, st, dst, dt)                                                                       \
  for (int l = 0; l < WNR; l++) {                                                                   \
    const float m0 = src[0 * st][l], m1 = src[1 * st][l], m2 = src[2 * st][l], m3 = src[3 * st][l]; \
    dst[0 * dt][l] = m0 + m1 + m2;                                                                  \
    dst[1 * dt][l] = m1 - m2 - m3;                                                                  \
  }

void DLB_WINO(dlb_wino_output)(const dlb_wino_geom *g, const float *mm, long kpad, long grp, long k0, long k1,
                               long t0, long nb, const float *bias, float *out) {
  const int a = g->alpha, a2 = a * a, m = g->m;
  const long ns = nb / WNR, plane = kpad * nb, PQ = g->P * g->Q;
  float mt[36][WNR] __attribute__((aligned(64)));
  float t1[24][WNR] __attribute__((aligned(64)));
  float y[16][WNR] __attribute__((aligned(64)));
  long tn[WNR], oy[WNR], ox[WNR];
  for (long s = 0; s < ns; s++) {
    for (int l = 0; l < WNR; l++) {
      tile_at(g, t0 + s * WNR + l, &tn[l], &oy[l], &ox[l]);
      oy[l] += g->pad; /* tile_at gives the input window; the outputs start pad later */
      ox[l] += g->pad;
    }
    for (long k = k0; k < k1; k++) {
      const long kk = grp * g->kg + k;
      const float b = bias ? bias[kk] : 0.0f;
      for (int xi = 0; xi < a2; xi++) {
        const float *src = mm + xi * plane + k * nb + s * WNR;
        /* 36 rows in 36 planes: the next filter's rows are fetched while this one is transformed. */
        for (int o = 0; o < WNR; o += 16) __builtin_prefetch(src + nb + o);
        memcpy(mt[xi], src, sizeof mt[xi]);
      }
      if (a == 6) {
        for (int j = 0; j < 6; j++) AT6((mt + j), 6, (t1 + j), 6);        /* t1 (4×6) = Aᵀ·M */
        for (int i = 0; i < 4; i++) AT6((t1 + 6 * i), 1, (y + 4 * i), 1); /* Y (4×4) = t1·A */
      } else {
        for (int j = 0; j < 4; j++) AT4((mt + j), 4, (t1 + j), 4);
        for (int i = 0; i < 2; i++) AT4((t1 + 4 * i), 1, (y + 2 * i), 1);
      }
#ifdef WINO_NCHW_VEC
      if (g->nchw) {
        for (int l0 = 0; l0 < WNR; l0 += 16) scatter16_nchw(g, y, tn, oy, ox, l0, kk, b, out);
        continue;
      }
#endif
      for (int l = 0; l < WNR; l++) {
        if (tn[l] < 0) break; /* lanes past N·T come last */
        const long hi = g->P - oy[l] < m ? g->P - oy[l] : m, wi = g->Q - ox[l] < m ? g->Q - ox[l] : m;
        if (g->nchw) {
          float *o = out + (tn[l] * g->K + kk) * PQ + oy[l] * g->Q + ox[l];
          for (long i = 0; i < hi; i++)
            for (long j = 0; j < wi; j++) o[i * g->Q + j] = y[i * m + j][l] + b;
        } else {
          float *o = out + ((tn[l] * g->P + oy[l]) * g->Q + ox[l]) * g->K + kk;
          for (long i = 0; i < hi; i++)
            for (long j = 0; j < wi; j++) o[(i * g->Q + j) * g->K] = y[i * m + j][l] + b;
        }
      }
    }
  }
}

const dlb_wino_kernels DLB_WINO(dlb_wino) = {WNR, DLB_WINO(dlb_wino_input), DLB_WINO(dlb_wino_output)};
