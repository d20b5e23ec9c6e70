/* The float64 SVD kernels (dsvd_impl.h) compiled for avx512: this file's target sets the -m flags. */
#define DLB_DSVD(name) name##_avx512
#include "dsvd_impl.h"
