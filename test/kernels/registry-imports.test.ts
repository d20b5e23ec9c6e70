// Importing the kernel registry must not load the native addon or dlopen a BLAS: `dlbench list`,
// the WebGPU-only paths and DLBENCH_NO_NATIVE runs pay for the addon only when a kernel needs it.
import {describe, expect, it} from 'vitest';
import {isNativeLoaded} from '../../src/native/loader.js';

describe('kernel registry import', () => {
  it('loads no native addon until a kernel is asked whether it can run', async () => {
    expect(isNativeLoaded()).toBe(false);
    const {ops} = await import('../../src/kernels/index.js');
    const {gemmEngines} = await import('../../src/kernels/gemm/engines.js');
    const ids = ops.flatMap((o) => o.variants.map((v) => v.id));
    expect(ids).toContain('gemm/native');
    expect(ids).toContain('gemm/openblas');
    expect(gemmEngines.map((e) => e.id)).toContain('gemm/native');
    expect(isNativeLoaded()).toBe(false);
    // The probe does see a load: asking a native rung for its availability tries it.
    ops
      .find((o) => o.name === 'gemm')!
      .variants.find((v) => v.id === 'gemm/native')!
      .available({threads: 1});
    expect(isNativeLoaded()).toBe(true);
  });
});
