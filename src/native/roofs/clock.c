/* The core's effective clock, measured: a chain of dependent integer adds retires one add per
 * cycle on every x86-64 core (the add's latency is one cycle), so adds ÷ seconds is the clock the
 * core really ran at — unlike /proc/cpuinfo's "cpu MHz", which a hypervisor may report as the
 * nominal or TSC rate. The roofs divide their FLOP/s by it to give flops/cycle. */
#include "../dlb.h"

#define CLOCK_BLOCK 2048

/* Cycles in one block: CLOCK_BLOCK dependent adds; the loop's own counter runs beside the chain. */
static unsigned long add_chain(unsigned long x) {
#if defined(__x86_64__)
  __asm__ volatile(".rept 2048\n\taddq $1, %0\n\t.endr" : "+r"(x));
#else
  (void)x;
  x = 0;
#endif
  return x;
}

double dlb_clock_mhz(double ms) {
#if defined(__x86_64__)
  unsigned long x = 0;
  long blocks = 0;
  x = add_chain(x); /* fault the code page in before timing */
  const double t0 = dlb_now_s();
  double t1 = t0;
  do {
    for (int r = 0; r < 64; r++) x = add_chain(x);
    blocks += 64;
    t1 = dlb_now_s();
  } while ((t1 - t0) * 1e3 < ms);
  if (x == 0) return -1; /* never: keeps the chain live */
  return (double)blocks * CLOCK_BLOCK / (t1 - t0) / 1e6;
#else
  (void)ms;
  return 0;
#endif
}
