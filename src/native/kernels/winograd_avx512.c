/* The Winograd tile transforms (winograd_impl.h) compiled for avx512: lanes = this ISA's micro-kernel NR.
 * NCHW adds vector moves: 16 tiles of one tile row read their windows from the same input rows, so a
 * row's values for all 16 lanes come from 5 (masked) loads and a stride-m deinterleave in registers,
 * and the outputs go back with the inverse interleave and masked stores — instead of 36 scalar loads
 * and 16 scalar stores per tile. Masks carry the padding, cropped edges and lanes of other tile rows. */
#include <immintrin.h>
#define DLB_WINO(name) name##_avx512
#define WNR 32
#define WINO_NCHW_VEC 1
#ifndef WINO_PREFETCH_PLANES
#define WINO_PREFETCH_PLANES 2
#endif
#include "../dlb.h"

/* Lanes [ua, ub) of a 16-lane group whose tiles share an image and a tile row (n < 0: past N·T). */
typedef struct {
  int ua, ub;
  long n, y0, x0; /* image; window (or output) origin of lane ua */
} lane_run;

static int lane_runs(const long *tn, const long *ty, const long *tx, lane_run *runs) {
  int nr = 0;
  for (int u = 0; u < 16;) {
    int v = u + 1;
    while (v < 16 && tn[v] == tn[u] && ty[v] == ty[u]) v++;
    runs[nr++] = (lane_run){u, v, tn[u], ty[u], tx[u]};
    u = v;
  }
  return nr;
}

static inline __mmask16 bits(long lo, long hi) { /* bits [lo, hi) of 16, clamped */
  if (lo < 0) lo = 0;
  if (hi > 16) hi = 16;
  return hi <= lo ? 0 : (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1));
}

/* w[k] = row[cb + k] for k in [16q, 16q + 16), zeros outside columns [0, W). */
static inline __m512 row_chunk(const float *row, long cb, int q, long W, long ahead) {
  const long off = cb + 16L * q;
  /* Each (channel, row) is a stream of a few lines, too many at once for the hardware prefetcher:
   * fetch the same chunk of a later channel's plane while this one is transformed. */
  _mm_prefetch((const char *)(row + off + ahead), _MM_HINT_T0);
  return _mm512_maskz_loadu_ps(bits(-off, W - off), row + off);
}

/* d[i·A + j][l0 + u] for the 16 lanes starting at l0: NCHW input windows of channel c. */
static void gather16_nchw(const dlb_wino_geom *g, const float *x, long c, const long *tn, const long *ty,
                          const long *tx, int l0, float d[][WNR]) {
  const int A = g->alpha, m = g->m;
  lane_run runs[16];
  const int nr = lane_runs(tn + l0, ty + l0, tx + l0, runs);
  const __m512 zero = _mm512_setzero_ps();
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  for (int r = 0; r < nr; r++) {
    const lane_run *run = &runs[r];
    const __mmask16 lm = bits(run->ua, run->ub);
    if (run->n < 0) {
      for (int q = 0; q < A * A; q++) _mm512_mask_storeu_ps(&d[q][l0], lm, zero);
      continue;
    }
    const float *plane = x + (run->n * g->C + c) * g->H * g->W;
    const long cb = run->x0 - (long)m * run->ua, ahead = WINO_PREFETCH_PLANES * g->H * g->W;
    for (int i = 0; i < A; i++) {
      const long y = run->y0 + i;
      if (y < 0 || y >= g->H) {
        for (int j = 0; j < A; j++) _mm512_mask_storeu_ps(&d[i * A + j][l0], lm, zero);
        continue;
      }
      const float *row = plane + y * g->W;
      __m512 p[6];
      if (m == 4) {
        const __m512 w0 = row_chunk(row, cb, 0, g->W, ahead), w1 = row_chunk(row, cb, 1, g->W, ahead),
                     w2 = row_chunk(row, cb, 2, g->W, ahead);
        const __m512 w3 = row_chunk(row, cb, 3, g->W, ahead), w4 = row_chunk(row, cb, 4, g->W, ahead);
        const __m512 e01 = _mm512_permutex2var_ps(w0, even, w1), o01 = _mm512_permutex2var_ps(w0, odd, w1);
        const __m512 e23 = _mm512_permutex2var_ps(w2, even, w3), o23 = _mm512_permutex2var_ps(w2, odd, w3);
        p[0] = _mm512_permutex2var_ps(e01, even, e23); /* w[4u] */
        p[1] = _mm512_permutex2var_ps(o01, even, o23); /* w[4u + 1] */
        p[2] = _mm512_permutex2var_ps(e01, odd, e23);  /* w[4u + 2] */
        p[3] = _mm512_permutex2var_ps(o01, odd, o23);  /* w[4u + 3] */
        /* w[4u + 4], w[4u + 5]: one lane on, with w[64], w[65] entering at the top. */
        const __m512i w4i = _mm512_castps_si512(w4);
        p[4] = _mm512_castsi512_ps(_mm512_alignr_epi32(w4i, _mm512_castps_si512(p[0]), 1));
        p[5] = _mm512_castsi512_ps(
            _mm512_alignr_epi32(_mm512_alignr_epi32(w4i, w4i, 1), _mm512_castps_si512(p[1]), 1));
      } else {
        const __m512 w0 = row_chunk(row, cb, 0, g->W, ahead), w1 = row_chunk(row, cb, 1, g->W, ahead),
                     w2 = row_chunk(row, cb, 2, g->W, ahead);
        p[0] = _mm512_permutex2var_ps(w0, even, w1); /* w[2u] */
        p[1] = _mm512_permutex2var_ps(w0, odd, w1);  /* w[2u + 1] */
        const __m512i w2i = _mm512_castps_si512(w2);
        p[2] = _mm512_castsi512_ps(_mm512_alignr_epi32(w2i, _mm512_castps_si512(p[0]), 1));
        p[3] = _mm512_castsi512_ps(
            _mm512_alignr_epi32(_mm512_alignr_epi32(w2i, w2i, 1), _mm512_castps_si512(p[1]), 1));
      }
      for (int j = 0; j < A; j++) _mm512_mask_storeu_ps(&d[i * A + j][l0], lm, p[j]);
    }
  }
}

/* out[n][kk][oy + i][ox + j] = y[i·m + j][l0 + u] + b for the 16 lanes at l0 (NCHW), cropped to P×Q. */
static void scatter16_nchw(const dlb_wino_geom *g, float y[][WNR], const long *tn, const long *oy,
                           const long *ox, int l0, long kk, float b, float *out) {
  const int m = g->m;
  lane_run runs[16];
  const int nr = lane_runs(tn + l0, oy + l0, ox + l0, runs);
  const __m512 vb = _mm512_set1_ps(b);
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i hi = _mm512_add_epi32(lo, _mm512_set1_epi32(8));
  const __m512i plo = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11),
                phi = _mm512_add_epi64(plo, _mm512_set1_epi64(4));
  for (int r = 0; r < nr; r++) {
    const lane_run *run = &runs[r];
    if (run->n < 0) continue;
    float *plane = out + (run->n * g->K + kk) * g->P * g->Q;
    const long cb = run->x0 - (long)m * run->ua;
    for (int i = 0; i < m && run->y0 + i < g->P; i++) {
      float *row = plane + (run->y0 + i) * g->Q;
      __m512 z[4];
      if (m == 4) {
        const __m512 y0 = _mm512_add_ps(_mm512_loadu_ps(&y[i * 4][l0]), vb),
                     y1 = _mm512_add_ps(_mm512_loadu_ps(&y[i * 4 + 1][l0]), vb);
        const __m512 y2 = _mm512_add_ps(_mm512_loadu_ps(&y[i * 4 + 2][l0]), vb),
                     y3 = _mm512_add_ps(_mm512_loadu_ps(&y[i * 4 + 3][l0]), vb);
        const __m512d a0 = _mm512_castps_pd(_mm512_permutex2var_ps(y0, lo, y1)),
                      a1 = _mm512_castps_pd(_mm512_permutex2var_ps(y0, hi, y1));
        const __m512d b0 = _mm512_castps_pd(_mm512_permutex2var_ps(y2, lo, y3)),
                      b1 = _mm512_castps_pd(_mm512_permutex2var_ps(y2, hi, y3));
        z[0] = _mm512_castpd_ps(_mm512_permutex2var_pd(a0, plo, b0));
        z[1] = _mm512_castpd_ps(_mm512_permutex2var_pd(a0, phi, b0));
        z[2] = _mm512_castpd_ps(_mm512_permutex2var_pd(a1, plo, b1));
        z[3] = _mm512_castpd_ps(_mm512_permutex2var_pd(a1, phi, b1));
      } else {
        const __m512 y0 = _mm512_add_ps(_mm512_loadu_ps(&y[i * 2][l0]), vb),
                     y1 = _mm512_add_ps(_mm512_loadu_ps(&y[i * 2 + 1][l0]), vb);
        z[0] = _mm512_permutex2var_ps(y0, lo, y1);
        z[1] = _mm512_permutex2var_ps(y0, hi, y1);
      }
      for (int q = 0; q < m; q++) {
        const long k0 = 16L * q, off = cb + k0;
        /* Values k of this chunk: lanes of the run (k in [m·ua, m·ub)) and columns inside [0, Q). */
        const __mmask16 mk = bits((long)m * run->ua - k0, (long)m * run->ub - k0) & bits(-off, g->Q - off);
        if (mk) _mm512_mask_storeu_ps(row + off, mk, z[q]);
      }
    }
  }
}

#include "winograd_impl.h"
