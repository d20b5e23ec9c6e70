/* The Winograd tile transforms (winograd_impl.h) compiled for scalar: lanes = this ISA's micro-kernel NR. */
#define DLB_WINO(name) name##_scalar
#define WNR 4
#include "winograd_impl.h"
