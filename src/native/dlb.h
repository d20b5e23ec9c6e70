/* Shared declarations of the dlbench native addon: micro-kernels (one file per ISA, each
 * compiled with its own -m flags), the Goto/BLIS driver, the thread pool, roofs and im2col.
 * Row-major C throughout: a micro-tile is MR rows of C (broadcast from packed A) by NR
 * columns (vector loads from packed B). Symbols follow dlb_<dt><op>_<isa>_<MR>x<NR>. */
#ifndef DLB_H
#define DLB_H
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>

enum dlb_isa { DLB_ISA_SCALAR = 0, DLB_ISA_AVX2 = 1, DLB_ISA_AVX512 = 2, DLB_ISA_COUNT = 3 };

/* C[0..MR)[0..NR) (= or +=) Σ_p ap[p*MR+i] * bp[p*NR+j]; C has row stride ldc. */
typedef void (*dlb_ukernel)(long kc, const float *ap, const float *bp, float *c, long ldc, int accumulate);
/* The same for an edge tile: only rows [0, h) and columns [0, w) of C are read or written. */
typedef void (*dlb_ukernel_edge)(long kc, const float *ap, const float *bp, float *c, long ldc,
                                 int accumulate, int h, int w);

typedef struct {
  const char *symbol; /* e.g. "dlb_sgemm_avx512_12x32" */
  const char *isa;    /* "avx512" | "avx2" | "scalar" */
  int mr, nr;         /* register tile */
  int mc, kc, nc;     /* cache blocks: MC rows of A (L3), KC depth, NC columns of B (L2) */
  dlb_ukernel kernel;
  dlb_ukernel_edge edge; /* NULL: the driver runs edge tiles into a scratch tile */
} dlb_kernel_desc;

/* The ISA's default micro-kernel (Winograd and the conv paths pack for its MR and NR). */
extern const dlb_kernel_desc dlb_sgemm_avx512_desc;
extern const dlb_kernel_desc dlb_sgemm_avx2_desc;
extern const dlb_kernel_desc dlb_sgemm_scalar_desc;
/* The other register-tile shapes (sgemm_avx512.c). */
extern const dlb_kernel_desc dlb_sgemm_avx512_14x32_desc, dlb_sgemm_avx512_8x48_desc,
    dlb_sgemm_avx512_6x64_desc;
/* Every GEMM micro-kernel this build has, widest ISA first, NULL-terminated; and the one by symbol. */
const dlb_kernel_desc *const *dlb_sgemm_kernel_list(void);
const dlb_kernel_desc *dlb_sgemm_kernel_named(const char *symbol);

int dlb_isa_supported(int isa);
int dlb_best_isa(void);
/* isa's GEMM micro-kernel when this build has it (dlb_isa_ops_built), else NULL. */
const dlb_kernel_desc *dlb_kernel_for(int isa);

/* op(A) is m×k: (i,p) at a[i*rsa + p*csa]; op(B) is k×n: (p,j) at b[p*rsb + j*csb]; C m×n row stride ldc. */
typedef struct {
  long m, n, k;
  const float *a;
  long rsa, csa;
  const float *b;
  long rsb, csb;
  float *c;
  long ldc;
  int beta; /* 0: overwrite, 1: accumulate */
} dlb_gemm_args;

/* 0 on success, -1 when packing buffers could not be allocated. */
int dlb_sgemm(const dlb_kernel_desc *kd, const dlb_gemm_args *g, int threads);
/* Cache blocks for one call (the blocking model's or the tuner's); 0 fields take kd's. split: how
 * threads divide C: DLB_SPLIT_AUTO (column bands when there are enough, else row bands),
 * DLB_SPLIT_COLUMNS (the jc loop: each thread packs its own B block into its own L2, all share
 * the A block), DLB_SPLIT_ROWS (the ic loop: each thread packs its own A and B). */
enum dlb_split { DLB_SPLIT_AUTO = 0, DLB_SPLIT_COLUMNS = 1, DLB_SPLIT_ROWS = 2 };
typedef struct {
  long mc, kc, nc;
  int split;
} dlb_blocking;
int dlb_sgemm_with(const dlb_kernel_desc *kd, const dlb_blocking *bk, const dlb_gemm_args *g, int threads);

/* Skinny paths (skinny.c, kernels/skinny_impl.h): shapes the packed driver serves badly, run
 * without packing the big operand. dlb_sgemm takes them by itself; dlb_sgemm_path says which. */
enum dlb_path {
  DLB_PATH_GENERAL = 0,
  DLB_PATH_SMALLM_AXPY = 1,
  DLB_PATH_SMALLM_DOT = 2,
  DLB_PATH_THINN_DOT = 3,
  DLB_PATH_THINN_COL = 4,
  DLB_PATH_COUNT = 5
};
typedef struct {
  const char *isa;
  int vl;             /* lanes per vector */
  int dot_mi, dot_jb; /* largest dot tile */
  int col_rows;       /* rows of C per col tile */
  int col_jb;         /* most columns of C per col pass */
  double col_a_max;   /* bytes of A above which the col form loses to the general driver */
  /* C[0..m)[j0..j1) = (load_c ? C : 0) + Σ_{p<kb} ap[p·m+i]·b[p·rsb+j], m ≤ 8 */
  void (*axpy)(int m, long kb, const float *ap, const float *b, long rsb, float *c, long ldc, long j0,
               long j1, int load_c);
  /* C[i][j] (+)= Σ_{p<k} a[i·lda+p]·b[j·ldb+p], i < mi, j < jb */
  void (*dot)(int mi, int jb, long k, const float *a, long lda, const float *b, long ldb, float *c, long ldc,
              int beta);
  /* C[i][j] (+)= Σ_{p<k} a[p·csa+i]·b[p·ldb+j], i < h ≤ col_rows, j < jb */
  void (*col)(int jb, long k, const float *a, long csa, const float *b, long ldb, float *c, long ldc,
              int beta, long h);
} dlb_skinny_kernels;
extern const dlb_skinny_kernels dlb_skinny_avx512, dlb_skinny_avx2, dlb_skinny_scalar;
const char *dlb_path_name(int path);
int dlb_sgemm_path(const dlb_kernel_desc *kd, const dlb_gemm_args *g);
/* 1 when a skinny path computed C, 0 when the shape is the general driver's, -1 out of memory. */
int dlb_sgemm_skinny(const dlb_kernel_desc *kd, const dlb_gemm_args *g, int threads);
/* Calls each ISA's skinny kernels have served (tests check that every ISA's path really ran). */
long dlb_skinny_calls(int isa, int path);
/* Switches the skinny paths on (1) or off (0: every shape takes the general driver, for A/B
 * measurements); −1 only reads. Returns the previous setting. */
int dlb_skinny_enable(int on);

/* Thread pool: runs fn(ctx, t, nt') for t in [0, nt') at once on nt' ≤ nt
 * threads (fewer only if the OS refuses threads); the caller is thread 0. */
typedef void (*dlb_task)(void *ctx, int t, int nt);
void dlb_parallel(int nt, dlb_task fn, void *ctx);
int dlb_parallel_size(int nt);
/* A spinning barrier among the n threads of one dlb_parallel call (pool.c). A sleeping one let the
 * scheduler wake the sleeper on its waker's core and run the halves one after the other; spinning keeps
 * each thread on its core, and it yields after a while so more threads than cores still progress.
 * dlb_spin_barrier_init before the call that uses it. */
typedef struct {
  atomic_int count, gen;
  int n;
} dlb_spin_barrier;
void dlb_spin_barrier_init(dlb_spin_barrier *b, int n);
void dlb_spin_barrier_wait(dlb_spin_barrier *b);
/* Threads for a memory-bound pass over `work` elements split in `units` pieces: 1 below min_work
 * (a pool wake-up costs more than a second core gives back), else at most one per unit. */
int dlb_threads_for(double work, long units, int threads, double min_work);
/* Serializes whole calls (recursive): held around scratch set-up and dlb_parallel. */
void dlb_pool_lock(void);
void dlb_pool_unlock(void);
/* Per-thread scratch owned by the pool, 64-byte aligned, grown on demand (slot < 2 per thread). */
float *dlb_scratch(int t, int slot, size_t floats);
/* The calling OS thread's own scratch (slot < 2), for single-threaded calls made without the lock. */
float *dlb_tls_scratch(int slot, size_t floats);

/* Roofs. Peak: GFLOP/s of independent FMA chains for ms milliseconds on nt threads. */
double dlb_peak_fma(int isa, int f64, int nt, double ms);
double dlb_peak_fma_avx512(int f64, double ms);
double dlb_peak_fma_avx2(int f64, double ms);
double dlb_peak_fma_scalar(int f64, double ms);
/* Read bandwidth (GB/s) of repeatedly summing a buffer of `bytes` (fits L1/L2/L3) per thread. */
double dlb_read_bw(int isa, size_t bytes, int nt, double ms);
double dlb_read_sum_avx512(const float *x, size_t n);
double dlb_read_sum_avx2(const float *x, size_t n);
double dlb_read_sum_scalar(const float *x, size_t n);
/* STREAM copy (kind 0) or triad (kind 1) over double arrays of n elements, best of reps, GB/s. */
double dlb_stream(int kind, size_t n, int nt, int reps);
double dlb_now_s(void);
/* The effective core clock in MHz from a dependent add chain over ms; 0 off x86-64. */
double dlb_clock_mhz(double ms);

/* im2col, one image. NCHW: input C×H×W → out (C·R·S) × (P·Q); NHWC: H×W×C → (P·Q) × (R·S·C). */
void dlb_im2col_nchw(const float *in, long C, long H, long W, long R, long S, long sh, long sw, long ph,
                     long pw, long dh, long dw, float *out);
void dlb_im2col_nhwc(const float *in, long C, long H, long W, long R, long S, long sh, long sw, long ph,
                     long pw, long dh, long dw, float *out);
/* Either layout (nhwc 0/1), split over `threads` (NCHW by channel, NHWC by output row) when large. */
void dlb_im2col(int threads, int nhwc, const float *in, long C, long H, long W, long R, long S, long sh,
                long sw, long ph, long pw, long dh, long dw, float *out);

/* OpenBLAS / CBLAS found at run time; returns NULL on success or the reason it is unavailable. */
const char *dlb_blas_load(void);
const char *dlb_blas_path(void);
const char *dlb_blas_config(void);
const char *dlb_blas_corename(void); /* "" when the library has no openblas_get_corename */
int dlb_blas_sgemm(int transA, int transB, long m, long n, long k, const float *a, long lda, const float *b,
                   long ldb, float *c, long ldc, int beta, int threads);
/* Float64 SVD kernels (kernels/dsvd_impl.h), one set per ISA (dlb_isa_ops). */
typedef void (*dlb_dreflect_left_fn)(double *x, long ld, long r0, long len, long c0, long cols,
                                     const double *v, double beta, double *acc);
typedef void (*dlb_dreflect_right_fn)(double *x, long ld, long r0, long r1, long c0, long len,
                                      const double *v, double beta);
typedef void (*dlb_drot_sweeps_fn)(double *x, long ld, long cols, long count, const long *lo, const long *hi,
                                   const double *cs, const double *sn, long stride);
typedef struct {
  dlb_dreflect_left_fn reflect_left;
  dlb_dreflect_right_fn reflect_right;
  dlb_drot_sweeps_fn rot_sweeps;
} dlb_dsvd_kernels;
extern const dlb_dsvd_kernels dlb_dsvd_avx512, dlb_dsvd_avx2, dlb_dsvd_scalar;

/* Strassen–Winograd's additions (strassen_ops.c): z = x + sign·y, and the fused five-way output
 * combine; rows×cols views with row strides, split into row bands over `threads`. */
void dlb_strassen_add(int threads, long rows, long cols, const float *x, long ldx, const float *y, long ldy,
                      float sign, float *z, long ldz);
void dlb_strassen_combine(int threads, long rows, long cols, const float *p1, long ldp1, float *c11,
                          float *c12, float *c21, float *c22, long ldc);

/* Memory-bound network layers (layers.c); layout 0 = NCHW, 1 = NHWC; split over `threads` when large. */
void dlb_relu(int threads, long len, const float *x, float *out);
void dlb_bias(int threads, int layout, long n, long c, long h, long w, const float *x, const float *bias,
              float *out);
void dlb_maxpool(int threads, int layout, long n, long c, long h, long w, long size, long stride,
                 const float *x, float *out);
void dlb_lrn(int threads, int layout, long n, long c, long h, long w, long size, float alpha, float beta,
             float k, const float *x, float *out);
void dlb_softmax(long n, long d, const float *x, float *out);
/* Winograd F(m×m, 3×3), stride 1 (winograd.c, transforms in kernels/winograd_impl.h). Tiles are
 * numbered across the batch: tg = n·T + t, T = th·tw tiles of m×m outputs per image. */
typedef struct {
  long N, C, H, W, K, groups, pad, P, Q; /* P = H + 2·pad − 2, Q likewise */
  long cg, kg, th, tw, T;
  int m, alpha, nchw;
} dlb_wino_geom;
/* Input transform of channels [c0, c1) of group grp for the NR-tile slivers [s0, s1) of the block of tiles
 * [t0, t0 + nb) (nb a multiple of NR; tiles past N·T are zeros) into packed-B panels: vp[((ξ·nb/NR + s)·cg + c)·NR + j] is tile t0 + s·NR + j. */
typedef void (*dlb_wino_in_fn)(const dlb_wino_geom *g, const float *x, long grp, long c0, long c1, long t0,
                               long nb, long s0, long s1, float *vp);
/* Output transform of the group's filters [k0, k1): M[ξ] is kpad × nb row-major at mm + ξ·kpad·nb;
 * writes Aᵀ·M·A (+ bias) cropped to P×Q into out. */
typedef void (*dlb_wino_out_fn)(const dlb_wino_geom *g, const float *mm, long kpad, long grp, long k0,
                                long k1, long t0, long nb, const float *bias, float *out);
typedef struct {
  int nr; /* lanes: must equal the ISA's micro-kernel NR */
  dlb_wino_in_fn input;
  dlb_wino_out_fn output;
} dlb_wino_kernels;
extern const dlb_wino_kernels dlb_wino_avx512, dlb_wino_avx2, dlb_wino_scalar;
/* The whole convolution: transforms, the α² GEMMs on the ISA's micro-kernel with up = filters
 * pre-transformed and packed ([grp][ξ][kpad/MR slivers][cg][MR], kpad = K/g rounded up to MR),
 * bias (NULL: none). nb: tiles per block (0: automatic). 0 on success, −1 out of memory. */
int dlb_winograd_conv(int isa, int threads, const dlb_wino_geom *g, const float *x, const float *up,
                      const float *bias, float *out, long nb);

/* Everything one ISA brings, in one table (dispatch.c): the only place an ISA number becomes code.
 * The GEMM driver, the skinny paths, Winograd, the SVD glue and the roofs all read it. */
typedef struct {
  int isa;
  const char *name; /* "avx512" | "avx2" | "scalar" */
  const dlb_kernel_desc *sgemm;
  const dlb_skinny_kernels *skinny;
  const dlb_wino_kernels *wino;
  const dlb_dsvd_kernels *dsvd;
  double (*peak_fma)(int f64, double ms);
  double (*read_sum)(const float *x, size_t n); /* n a multiple of 128 */
} dlb_isa_ops;
/* isa's kernels when this build has them (x86 ISAs only on x86), else NULL; says nothing of this CPU. */
const dlb_isa_ops *dlb_isa_ops_built(int isa);
/* isa's kernels when this CPU can run them, else NULL. */
const dlb_isa_ops *dlb_isa_ops_for(int isa);
/* The ISA whose GEMM micro-kernel kd is (the skinny paths follow the GEMM's ISA); scalar when none. */
const dlb_isa_ops *dlb_isa_ops_of(const dlb_kernel_desc *kd);
#endif
