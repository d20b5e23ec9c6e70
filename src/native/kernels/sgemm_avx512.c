/* Native rung, AVX-512 micro-kernels dlb_sgemm_avx512_<MR>x<NR> (compiled with -mavx512f -mfma
 * only), all from one register-tile template (sgemm_avx512_tile.h). Shapes:
 *  12x32: 24 accumulators, 2 B vectors + 12 broadcasts per 24 FMAs. The ISA's default (Winograd
 *         and the conv paths pack for its MR and NR); on a double-pumped core (Zen 4: one zmm
 *         FMA per cycle) FMA issue is the bound, so the tile mainly halves loads over AVX2.
 *  14x32: 28 accumulators (31 of 32 registers), the most FMAs per B load of the two-vector tiles.
 *   8x48: 24 accumulators, 3 B vectors + 8 broadcasts: fewer loads per FMA than 12x32.
 *   6x64: 24 accumulators, 4 B vectors + 6 broadcasts: the fewest loads per FMA, a wide B sliver.
 * On a full-width core (Zen 5, Intel server cores: two zmm FMAs per cycle) every shape has the
 * 8+ independent chains and the load slots to keep both pipes busy; which wins depends on how
 * the B sliver streams from L2, so the driver's model and `dlbench tune` pick per machine
 * (docs/native.md has the measurements). MC, KC, NC here are the fallback when the cache sizes
 * are unknown: the Zen 4 choices. */
#include "../dlb.h"

#define TILE_PF 8 /* prefetch B this many k steps ahead */

#define TILE_MR 12
#define TILE_NV 2
#define TILE_FN tile_12x32
#include "sgemm_avx512_tile.h"
#undef TILE_MR
#undef TILE_NV
#undef TILE_FN

#define TILE_MR 14
#define TILE_NV 2
#define TILE_FN tile_14x32
#include "sgemm_avx512_tile.h"
#undef TILE_MR
#undef TILE_NV
#undef TILE_FN

#define TILE_MR 8
#define TILE_NV 3
#define TILE_FN tile_8x48
#include "sgemm_avx512_tile.h"
#undef TILE_MR
#undef TILE_NV
#undef TILE_FN

#define TILE_MR 6
#define TILE_NV 4
#define TILE_FN tile_6x64
#include "sgemm_avx512_tile.h"
#undef TILE_MR
#undef TILE_NV
#undef TILE_FN

/* Each shape: the full-tile entry (dlb_ukernel, what Winograd calls) and the edge entry. */
/* clang-format off */
#define SHAPE(mr, nr)                                                                                   \
  static void dlb_sgemm_avx512_##mr##x##nr(long kc, const float *ap, const float *bp, float *c, long ldc, \
                                          int acc) {                                                  \
    tile_##mr##x##nr(kc, ap, bp, c, ldc, acc, mr, nr);                                                \
  }                                                                                                   \
  static void edge_##mr##x##nr(long kc, const float *ap, const float *bp, float *c, long ldc, int acc,  \
                               int h, int w) {                                                        \
    tile_##mr##x##nr(kc, ap, bp, c, ldc, acc, h, w);                                                  \
  }
/* clang-format on */
SHAPE(12, 32)
SHAPE(14, 32)
SHAPE(8, 48)
SHAPE(6, 64)

/* 12x32 on Zen 4: KC·MR·4 = 18 KiB A sliver stays in the 32 KiB L1d while B slivers stream from
 * L2; KC·NC·4 = 768 KiB B block in the 1 MiB L2 (NC 512 rather than 256 halves how often the A
 * block is re-read from L3); MC·KC·4 ≈ 6 MiB A block in the 32 MiB L3. The other shapes keep
 * the same bytes per sliver and block. */
const dlb_kernel_desc dlb_sgemm_avx512_desc = {
    "dlb_sgemm_avx512_12x32", "avx512", 12, 32, 4080, 384, 512, dlb_sgemm_avx512_12x32, edge_12x32,
};
const dlb_kernel_desc dlb_sgemm_avx512_14x32_desc = {
    "dlb_sgemm_avx512_14x32", "avx512", 14, 32, 4074, 320, 512, dlb_sgemm_avx512_14x32, edge_14x32,
};
const dlb_kernel_desc dlb_sgemm_avx512_8x48_desc = {
    "dlb_sgemm_avx512_8x48", "avx512", 8, 48, 4080, 576, 336, dlb_sgemm_avx512_8x48, edge_8x48,
};
const dlb_kernel_desc dlb_sgemm_avx512_6x64_desc = {
    "dlb_sgemm_avx512_6x64", "avx512", 6, 64, 4080, 768, 256, dlb_sgemm_avx512_6x64, edge_6x64,
};
