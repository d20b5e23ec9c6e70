/* The float64 SVD kernels (dsvd_impl.h) compiled for scalar: this file's target sets the -m flags. */
#define DLB_DSVD(name) name##_scalar
#include "dsvd_impl.h"
