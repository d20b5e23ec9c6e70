/* The Winograd tile transforms (winograd_impl.h) compiled for avx2: lanes = this ISA's micro-kernel NR. */
#define DLB_WINO(name) name##_avx2
#define WNR 16
#include "winograd_impl.h"
