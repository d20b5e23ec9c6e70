/* Winograd rung, native: the whole F(m×m,3×3) conv in one call. Per block of nb tiles (across the
 * batch): input transform straight into packed-B panels V[ξ], the micro-kernel on filters U[ξ] packed
 * once at prepare (no packing at run time), output transform. V[ξ] stays in L2, U[ξ] streams once per
 * block. Threads take whole blocks (many blocks, no barriers) or split each block by channels, then
 * filter slivers (few blocks; two spin barriers per block). Bottleneck: the products (~107 GFLOP/s). */
#include <stdatomic.h>
#include <stdlib.h>
#include "dlb.h"

typedef struct {
  const dlb_wino_geom *g;
  const dlb_kernel_desc *kd;
  const dlb_wino_kernels *wk;
  const float *x, *up, *bias;
  float *out, *vp[256], *mm[256];
  long nb, nblocks, kpad;
  int by_blocks;
  atomic_long next; /* by_blocks: the next (group, block) unit to take */
  dlb_spin_barrier sync;
} wino_job;

/* One whole (group, block) unit on one thread with its own V and M: transform, products, output. */
static void wino_unit(const wino_job *j, long grp, long blk, float *vp, float *mm) {
  const dlb_wino_geom *g = j->g;
  const int mr = j->kd->mr, nr = j->kd->nr, a2 = g->alpha * g->alpha;
  const long nb = j->nb, ns = nb / nr, kpad = j->kpad;
  j->wk->input(g, j->x, grp, 0, g->cg, blk * nb, nb, 0, ns, vp);
  for (int xi = 0; xi < a2; xi++) {
    const float *u = j->up + (grp * a2 + xi) * kpad * g->cg;
    const float *v = vp + (long)xi * ns * g->cg * nr;
    float *m = mm + (long)xi * kpad * nb;
    for (long ks = 0; ks < kpad / mr; ks++)
      for (long s = 0; s < ns; s++)
        j->kd->kernel(g->cg, u + ks * mr * g->cg, v + s * g->cg * nr, m + ks * mr * nb + s * nr, nb, 0);
  }
  j->wk->output(g, mm, kpad, grp, 0, g->kg, blk * nb, nb, j->bias, j->out);
}

static void wino_task(void *ctx, int t, int nt) {
  wino_job *j = ctx;
  const dlb_wino_geom *g = j->g;
  if (j->by_blocks) {
    /* Units handed out one at a time: a thread the OS delays simply takes fewer (no barriers). */
    for (long unit; (unit = atomic_fetch_add(&j->next, 1)) < g->groups * j->nblocks;)
      wino_unit(j, unit / j->nblocks, unit % j->nblocks, j->vp[t], j->mm[t]);
    return;
  }
  const int mr = j->kd->mr, nr = j->kd->nr, a2 = g->alpha * g->alpha;
  const long nb = j->nb, ns = nb / nr, kpad = j->kpad, nks = kpad / mr;
  /* Phase 1 split: channels when there are enough of them, else the block's slivers. */
  const int by_c = g->cg >= 2L * nt || g->cg >= ns;
  const long u1 = by_c ? g->cg : ns;
  const long lo1 = u1 * t / nt, hi1 = u1 * (t + 1) / nt;
  const long ks0 = nks * t / nt, ks1 = nks * (t + 1) / nt;
  const long k1 = ks1 * mr < g->kg ? ks1 * mr : g->kg;
  for (long grp = 0; grp < g->groups; grp++) {
    for (long blk = 0; blk < j->nblocks; blk++) {
      const long t0 = blk * nb;
      if (hi1 > lo1) {
        if (by_c)
          j->wk->input(g, j->x, grp, lo1, hi1, t0, nb, 0, ns, j->vp[0]);
        else
          j->wk->input(g, j->x, grp, 0, g->cg, t0, nb, lo1, hi1, j->vp[0]);
      }
      dlb_spin_barrier_wait(&j->sync);
      for (int xi = 0; xi < a2; xi++) {
        const float *u = j->up + (grp * a2 + xi) * kpad * g->cg;
        const float *v = j->vp[0] + (long)xi * ns * g->cg * nr;
        float *m = j->mm[0] + (long)xi * kpad * nb;
        for (long ks = ks0; ks < ks1; ks++)
          for (long s = 0; s < ns; s++)
            j->kd->kernel(g->cg, u + ks * mr * g->cg, v + s * g->cg * nr, m + ks * mr * nb + s * nr, nb, 0);
      }
      if (k1 > ks0 * mr) j->wk->output(g, j->mm[0], kpad, grp, ks0 * mr, k1, t0, nb, j->bias, j->out);
      dlb_spin_barrier_wait(&j->sync); /* V and M are rewritten by the next block */
    }
  }
}

/* Default tiles per block, from measurements on Zen 4 (1 MiB L2, 32 MiB L3): while the filters U fit
 * in L3, blocks as large as let V and M (36·(cg + kpad)·nb floats) stay in L2 — one NR sliver for VGG's
 * layers (nb 32 beat 64–256 by 5–20% on conv1_2–conv3_2); once U outgrows L3 (conv4/5: 38 MB) it
 * streams from memory once per block, so blocks of up to 128 tiles (conv4_2: 64 beat 32 by 9%).
 * Blocks are balanced so the last one is not a sliver or two. */
static long pick_nb(const dlb_wino_geom *g, int nr, long kpad, long want) {
  const long tiles = g->N * g->T;
  const double u_bytes = 4.0 * g->alpha * g->alpha * kpad * g->cg * g->groups;
  long target = want;
  if (target <= 0) {
    const double per_tile = 4.0 * g->alpha * g->alpha * (g->cg + kpad);
    target = u_bytes > 16e6 ? 128 : (long)((1 << 20) / per_tile) / nr * nr;
  }
  if (target < nr) target = nr;
  const long nblk = (tiles + target - 1) / target;
  const long per = (tiles + nblk - 1) / nblk;
  return (per + nr - 1) / nr * nr;
}

int dlb_winograd_conv(int isa, int threads, const dlb_wino_geom *g, const float *x, const float *up,
                      const float *bias, float *out, long want_nb) {
  const dlb_isa_ops *ops = dlb_isa_ops_for(isa);
  if (!ops) return -1;
  const dlb_kernel_desc *kd = ops->sgemm;
  const dlb_wino_kernels *wk = ops->wino;
  if (wk->nr != kd->nr) return -1;
  static wino_job j; /* only touched under the pool lock */
  j.g = g, j.kd = kd, j.wk = wk, j.x = x, j.up = up, j.bias = bias, j.out = out;
  j.kpad = (g->kg + kd->mr - 1) / kd->mr * kd->mr;
  j.nb = pick_nb(g, kd->nr, j.kpad, want_nb);
  j.nblocks = (g->N * g->T + j.nb - 1) / j.nb;
  const long a2 = (long)g->alpha * g->alpha;
  int rc = 0;
  dlb_pool_lock();
  int nt = threads < 1 ? 1 : threads > 256 ? 256 : threads;
  /* Below ~4 MFLOP of transformed-domain work a pool wake-up is not worth it. */
  if (2.0 * a2 * g->kg * g->cg * g->N * g->T * g->groups < 4e6) nt = 1;
  nt = dlb_parallel_size(nt);
  /* Many blocks: whole blocks per thread, no barriers (U is small enough to be read by every thread
   * from L3). Few blocks (conv4/5, batch 1): every thread on each block, split by filters. */
  j.by_blocks = nt > 1 && g->groups * j.nblocks >= 4L * nt;
  atomic_store(&j.next, 0);
  for (int t = 0; t < (j.by_blocks ? nt : 1); t++) {
    j.vp[t] = dlb_scratch(t, 0, (size_t)(a2 * g->cg * j.nb));
    j.mm[t] = dlb_scratch(t, 1, (size_t)(a2 * j.kpad * j.nb));
    if (!j.vp[t] || !j.mm[t]) rc = -1;
  }
  if (rc == 0) {
    dlb_spin_barrier_init(&j.sync, nt);
    dlb_parallel(nt, wino_task, &j);
  }
  dlb_pool_unlock();
  return rc;
}
