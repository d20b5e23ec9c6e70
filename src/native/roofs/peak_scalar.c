/* The roof probes (peak_impl.h), portable scalar (compiled with -fno-tree-vectorize like the scalar
 * GEMM kernel): one lane, the roof of dlb_sgemm_scalar_4x4. Without -mfma the compiler emits a
 * separate mul and add, so 2 FLOPs cost two instructions. */
#define DLB_ROOF(name) name##_scalar
#include "peak_impl.h"

#define S_SET1(x) (x)
#define S_FMA(x, m, a) ((x) * (m) + (a))
#define S_ADD(x, y) ((x) + (y))
#define S_SUM(x) (x)

ROOF_PEAK(f32, float, 1, S_SET1, S_FMA, S_ADD, S_SUM)
ROOF_PEAK(f64, double, 1, S_SET1, S_FMA, S_ADD, S_SUM)
