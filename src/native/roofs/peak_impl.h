/* Roof probes, one body for every ISA: each roofs/peak_<isa>.c includes this under its own -m flags
 * with DLB_ROOF naming its symbols, then instantiates ROOF_PEAK for f32 and f64 (and ROOF_READ_SUM)
 * with its vector type, lane count and operations.
 * Peak: 12 independent chains x ← x·m + a cover a 5-cycle FMA latency at up to 2 FMAs/cycle (10
 * needed), and converge to 1, so no overflow or denormals. Read: 8 independent add chains of
 * full-width aligned loads. */
#include "../dlb.h"

static volatile double roof_sink;

static double peak_f32(double ms);
static double peak_f64(double ms);

/* GFLOP/s of the FMA chains over ms milliseconds on this thread. */
double DLB_ROOF(dlb_peak_fma)(int f64, double ms) { return f64 ? peak_f64(ms) : peak_f32(ms); }

#define ROOF_PEAK(P, T, LANES, SET1, FMA, ADD, SUM)                                                   \
  static double peak_##P(double ms) {                                                                 \
    T x0 = SET1(1.0), x1 = SET1(1.1), x2 = SET1(1.2), x3 = SET1(1.3), x4 = SET1(1.4), x5 = SET1(1.5); \
    T x6 = SET1(1.6), x7 = SET1(1.7), x8 = SET1(1.8), x9 = SET1(1.9), xa = SET1(2.0), xb = SET1(2.1); \
    const T m = SET1(0.999), a = SET1(0.001);                                                         \
    long iters = 0;                                                                                   \
    const double t0 = dlb_now_s();                                                                    \
    double t1 = t0;                                                                                   \
    do {                                                                                              \
      for (int r = 0; r < 4096; r++) {                                                                \
        x0 = FMA(x0, m, a), x1 = FMA(x1, m, a), x2 = FMA(x2, m, a), x3 = FMA(x3, m, a);               \
        x4 = FMA(x4, m, a), x5 = FMA(x5, m, a), x6 = FMA(x6, m, a), x7 = FMA(x7, m, a);               \
        x8 = FMA(x8, m, a), x9 = FMA(x9, m, a), xa = FMA(xa, m, a), xb = FMA(xb, m, a);               \
      }                                                                                               \
      iters += 4096;                                                                                  \
      t1 = dlb_now_s();                                                                               \
    } while ((t1 - t0) * 1e3 < ms);                                                                   \
    const T s = ADD(ADD(ADD(x0, x1), ADD(x2, x3)), ADD(ADD(x4, x5), ADD(x6, x7)));                    \
    roof_sink = (double)SUM(ADD(s, ADD(ADD(x8, x9), ADD(xa, xb))));                                   \
    return (double)iters * 12 * LANES * 2 / (t1 - t0) / 1e9;                                          \
  }

/* dlb_read_sum_<isa>: the sum of n floats, n a multiple of 8·LANES. */
#define ROOF_READ_SUM(T, LANES, ZERO, LOAD, ADD, SUM)                                   \
  double DLB_ROOF(dlb_read_sum)(const float *x, size_t n) {                             \
    T s0 = ZERO(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;       \
    for (size_t i = 0; i < n; i += 8 * (LANES)) {                                       \
      s0 = ADD(s0, LOAD(x + i)), s1 = ADD(s1, LOAD(x + i + (LANES))),                   \
      s2 = ADD(s2, LOAD(x + i + 2 * (LANES))), s3 = ADD(s3, LOAD(x + i + 3 * (LANES))); \
      s4 = ADD(s4, LOAD(x + i + 4 * (LANES))), s5 = ADD(s5, LOAD(x + i + 5 * (LANES))); \
      s6 = ADD(s6, LOAD(x + i + 6 * (LANES))), s7 = ADD(s7, LOAD(x + i + 7 * (LANES))); \
    }                                                                                   \
    return SUM(ADD(ADD(ADD(s0, s1), ADD(s2, s3)), ADD(ADD(s4, s5), ADD(s6, s7))));      \
  }
