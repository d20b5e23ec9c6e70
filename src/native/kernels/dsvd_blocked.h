/* The blocked (Level-3) half of the float64 full SVD, one set per ISA like dlb_dsvd_kernels:
 * a packed f64 GEMM, the blocked bidiagonalization (LAPACK's dgebrd/dlabrd scheme) and the
 * explicit Qᵀ/Pᵀ formed by compact-WY block reflectors (dorgbr's scheme). Row-major throughout.
 * Kept out of dlb.h so the dispatch table there needs no new member: napi_svd.c picks the set by
 * ISA number. */
#ifndef DLB_DSVD_BLOCKED_H
#define DLB_DSVD_BLOCKED_H

typedef struct {
  /* C (M×N, ldc) += alpha·op(A)·op(B): A(i, p) = a[i·rsa + p·csa], B(p, j) = b[p·rsb + j·csb]. */
  void (*gemm)(long M, long N, long K, double alpha, const double *a, long rsa, long csa, const double *b,
               long rsb, long csb, double *c, long ldc);
  /* a (m×n, lda, m ≥ n ≥ 1) = Q·B·Pᵀ, B upper bidiagonal (d: n, e: n−1). The left reflectors stay
   * below the diagonal (column j), the right ones right of the superdiagonal (row j), with their
   * scalars in tauq (n) and taup (n−1). Panels of nb columns (nb ≤ 1: unblocked). 0, or −1 when
   * out of memory. */
  int (*bidiag)(double *a, long m, long n, long lda, long nb, double *d, double *e, double *tauq,
                double *taup);
  /* qt (n×m, ldq) = Qᵀ and pt (n×n, ldp) = Pᵀ from bidiag's output; nb as there. 0 or −1. */
  int (*form)(const double *a, long m, long n, long lda, long nb, const double *tauq, const double *taup,
              double *qt, long ldq, double *pt, long ldp);
  /* The QR iteration on bidiag(d, e) (n values), rotating the n rows of ut (cu long, stride ldu) and
   * vt (cv long, stride ldv), Uᵀ and Vᵀ; s left unsorted and signed. 0; −1 no convergence; −2 out of memory. */
  int (*bdsqr)(double *d, double *e, long n, double *ut, long ldu, long cu, double *vt, long ldv, long cv);
} dlb_dsvd_blocked;

extern const dlb_dsvd_blocked dlb_dsvd_blocked_avx512, dlb_dsvd_blocked_avx2, dlb_dsvd_blocked_scalar;

#endif
