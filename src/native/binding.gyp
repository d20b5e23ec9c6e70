# The dlbench native addon. Each ISA's files are a static library of their own so they get
# their own -m flags (gyp has no per-file cflags): AVX-512 code is compiled only into
# dlb_avx512 and reached only after runtime dispatch (dispatch.c) says the CPU has it.
{
  "target_defaults": {
    "cflags": ["-O3", "-fPIC", "-std=gnu11", "-Wall", "-Wno-unused-function"],
    "cflags!": ["-O2"],
    "conditions": [["OS=='mac'", {"xcode_settings": {"OTHER_CFLAGS": ["-O3"]}}]]
  },
  "targets": [
    {
      "target_name": "dlb_avx512",
      "type": "static_library",
      "sources": ["kernels/sgemm_avx512.c", "kernels/dsvd_avx512.c", "kernels/skinny_avx512.c", "roofs/peak_avx512.c", "kernels/winograd_avx512.c"],
      "cflags": ["-mavx512f", "-mfma"]
    },
    {
      "target_name": "dlb_avx2",
      "type": "static_library",
      "sources": ["kernels/sgemm_avx2.c", "kernels/dsvd_avx2.c", "kernels/skinny_avx2.c", "roofs/peak_avx2.c", "kernels/winograd_avx2.c"],
      "cflags": ["-mavx2", "-mfma"]
    },
    {
      "target_name": "dlb_scalar",
      "type": "static_library",
      "sources": ["kernels/sgemm_scalar.c", "kernels/dsvd_scalar.c", "kernels/skinny_scalar.c", "roofs/peak_scalar.c", "kernels/winograd_scalar.c"],
      "cflags": ["-fno-tree-vectorize"]
    },
    {
      "target_name": "dlbench_native",
      "sources": ["napi_init.c", "napi_util.c", "napi_gemm.c", "napi_conv.c", "napi_svd.c", "napi_layers.c", "napi_roofs.c", "dispatch.c", "gemm_driver.c", "skinny.c", "pool.c", "im2col.c", "openblas.c", "strassen_ops.c", "layers.c", "winograd.c", "roofs/bandwidth.c", "roofs/clock.c"],
      # sqrtf without errno so the LRN loop vectorizes (no caller reads errno).
      "cflags": ["-fno-math-errno"],
      "dependencies": ["dlb_avx512", "dlb_avx2", "dlb_scalar"],
      "libraries": ["-ldl", "-lpthread"],
      # Never unmapped: Node dlcloses an addon when the last worker_thread that loaded it ends,
      # yet that thread's exit still runs the addon's thread-local scratch destructor, and the
      # pool's sleeping pthreads live in its code (a segfault at exit without this).
      "conditions": [["OS=='linux'", {"ldflags": ["-Wl,-z,nodelete"]}]]
    }
  ]
}
