/* A persistent pthread pool for the native kernels. Workers sleep on a condition variable
 * between calls (a wake-up costs tens of µs, negligible beside a GEMM worth threading).
 * One multi-threaded call at a time: a mutex serializes callers, which also makes the
 * per-thread scratch buffers safe to reuse without locks. Single-threaded calls bypass both
 * (dlb_tls_scratch): worker_threads each running a one-thread GEMM must not queue on a lock. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include "dlb.h"

#define MAX_THREADS 256

static pthread_mutex_t call_lock;
static pthread_once_t call_lock_once = PTHREAD_ONCE_INIT;

/* Recursive, so a kernel can hold it around its own set-up (scratch allocation) and the call. */
static void init_call_lock(void) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&call_lock, &attr);
  pthread_mutexattr_destroy(&attr);
}

void dlb_pool_lock(void) {
  pthread_once(&call_lock_once, init_call_lock);
  pthread_mutex_lock(&call_lock);
}

void dlb_pool_unlock(void) { pthread_mutex_unlock(&call_lock); }
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static int workers; /* started worker threads (thread ids 1..workers) */
static unsigned long generation;
static dlb_task job_fn;
static void *job_ctx;
static int job_nt;
static int pending;

static float *scratch[MAX_THREADS][2];
static size_t scratch_cap[MAX_THREADS][2];

static void *worker_main(void *arg) {
  const int t = (int)(intptr_t)arg;
  unsigned long seen = 0;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (generation == seen) pthread_cond_wait(&wake, &lock);
    seen = generation;
    if (t >= job_nt) continue; /* not needed this time */
    dlb_task fn = job_fn;
    void *ctx = job_ctx;
    int nt = job_nt;
    pthread_mutex_unlock(&lock);
    fn(ctx, t, nt);
    pthread_mutex_lock(&lock);
    if (--pending == 0) pthread_cond_signal(&finished);
  }
  return NULL;
}

/* Starts workers up to nt − 1 and returns how many threads dlb_parallel(nt) will really use
 * (fewer than asked only if the OS refuses threads). */
int dlb_parallel_size(int nt) {
  if (nt < 1) nt = 1;
  if (nt > MAX_THREADS) nt = MAX_THREADS;
  pthread_mutex_lock(&lock);
  while (workers < nt - 1) {
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int ok = pthread_create(&th, &attr, worker_main, (void *)(intptr_t)(workers + 1)) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) break;
    workers++;
  }
  const int n = nt - 1 > workers ? workers + 1 : nt;
  pthread_mutex_unlock(&lock);
  return n;
}

void dlb_parallel(int nt, dlb_task fn, void *ctx) {
  dlb_pool_lock();
  nt = dlb_parallel_size(nt);
  if (nt == 1) {
    fn(ctx, 0, 1);
    dlb_pool_unlock();
    return;
  }
  pthread_mutex_lock(&lock);
  job_fn = fn;
  job_ctx = ctx;
  job_nt = nt;
  pending = nt - 1;
  generation++;
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  fn(ctx, 0, nt);
  pthread_mutex_lock(&lock);
  while (pending > 0) pthread_cond_wait(&finished, &lock);
  pthread_mutex_unlock(&lock);
  dlb_pool_unlock();
}

float *dlb_scratch(int t, int slot, size_t floats) {
  if (t < 0 || t >= MAX_THREADS || slot < 0 || slot > 1) return NULL;
  if (scratch_cap[t][slot] < floats) {
    free(scratch[t][slot]);
    /* Kept between calls: a fresh multi-MiB buffer per call would page-fault every time. */
    size_t bytes = (floats * sizeof(float) + 4095) & ~(size_t)4095;
    scratch[t][slot] = aligned_alloc(64, bytes);
    scratch_cap[t][slot] = scratch[t][slot] ? bytes / sizeof(float) : 0;
  }
  return scratch[t][slot];
}

/* The calling thread's own scratch, freed when the thread exits (a Node worker thread is an OS
 * thread: a pool that is destroyed and restarted must not leak its packing buffers). */
typedef struct {
  float *buf[2];
  size_t cap[2];
} tls_scratch;

static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;

static void tls_free(void *p) {
  tls_scratch *s = p;
  free(s->buf[0]);
  free(s->buf[1]);
  free(s);
}

static void tls_init(void) { pthread_key_create(&tls_key, tls_free); }

float *dlb_tls_scratch(int slot, size_t floats) {
  if (slot < 0 || slot > 1) return NULL;
  pthread_once(&tls_once, tls_init);
  tls_scratch *s = pthread_getspecific(tls_key);
  if (!s) {
    s = calloc(1, sizeof *s);
    if (!s || pthread_setspecific(tls_key, s)) return free(s), NULL;
  }
  if (s->cap[slot] < floats) {
    free(s->buf[slot]);
    size_t bytes = (floats * sizeof(float) + 4095) & ~(size_t)4095;
    s->buf[slot] = aligned_alloc(64, bytes);
    s->cap[slot] = s->buf[slot] ? bytes / sizeof(float) : 0;
  }
  return s->buf[slot];
}

void dlb_spin_barrier_init(dlb_spin_barrier *b, int n) {
  atomic_store(&b->count, 0);
  atomic_store(&b->gen, 0);
  b->n = n;
}

void dlb_spin_barrier_wait(dlb_spin_barrier *b) {
  if (b->n <= 1) return;
  const int gen = atomic_load(&b->gen);
  if (atomic_fetch_add(&b->count, 1) == b->n - 1) {
    atomic_store(&b->count, 0);
    atomic_fetch_add(&b->gen, 1);
    return;
  }
  for (long spins = 0; atomic_load(&b->gen) == gen; spins++) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (spins > 1000) sched_yield(); /* ~20 µs of pause */
  }
}

int dlb_threads_for(double work, long units, int threads, double min_work) {
  if (work < min_work || threads < 2 || units < 2) return 1;
  return threads > units ? (int)units : threads;
}
