/* The Winograd tile transforms (winograd_impl.h) compiled for avx512: lanes = this ISA's micro-kernel NR. */
#define DLB_WINO(name) name##_avx512
#define WNR 32
#include "winograd_impl.h"
