/* Skinny-GEMM kernels (skinny_impl.h) in plain C for any CPU: a "vector" is one float (VL 1, so no
 * tail is ever partial), built with -fno-tree-vectorize like the scalar micro-kernel. */
#define SK(name) name##_scalar
#define SK_NAME "scalar"
#define VL 1
typedef float vf;
#define VZERO() 0.0f
#define VLOAD(p) (*(p))
#define VLOADN(p, n) ((n) > 0 ? *(p) : 0.0f)
#define VSTORE(p, v) (*(p) = (v))
#define VSTOREN(p, v, n) ((n) > 0 ? (void)(*(p) = (v)) : (void)0)
#define VSET1(x) (x)
#define VFMA(a, b, c) ((a) * (b) + (c))
#define VHSUM(v) (v)
#define AXPY_U_2 4
#define AXPY_U_4 2
#define AXPY_U_8 1
#define AXPY_UMAX 4
#define DOT_MI 3
#define DOT_JB 3
#define COL_U 2
#define COL_JB 4
/* Column form only for small A (Gram matrices: 1.2× the general driver); at 4 MiB it is 0.93×. */
#define COL_A_MAX (1.0 * 1024 * 1024)
#define VADD(a, b) ((a) + (b))
#define FCP_MR 1
#define FCP_SETS 1
#include "skinny_impl.h"
