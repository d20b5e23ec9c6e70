// The worker-pool and Strassen rungs through `verify` on every GEMM edge shape at 2 threads, 20 s
// together: `npm run test:slow` runs them (.ci/run runs both suites); the registry-generated
// conformance tests of `npm test` already run each of these variants on the edge shapes.
import {describe, expect, it} from 'vitest';
import {gemm} from '../../../src/kernels/gemm/index.js';
import {strassen, strassenWorkers} from '../../../src/kernels/gemm/strassen.js';
import {workers} from '../../../src/kernels/gemm/workers.js';
import {verifyVariant} from '../../../src/suite/verify.js';

describe('gemm/strassen and gemm/strassen-workers', () => {
  it('passes verify on every edge shape of the op (default cutoff, blocked and workers leaves)', async () => {
    for (const v of [strassen, strassenWorkers]) {
      for (const shape of gemm.edgeShapes) {
        const row = await verifyVariant(gemm, v, shape, 3, {threads: 2});
        expect(row.state, `${v.id} ${row.shapeText}: ${row.reason ?? row.check?.error}`).toBe('pass');
      }
    }
  });
});

describe('gemm/workers', () => {
  it('passes verify on every edge shape of the op', async () => {
    for (const shape of gemm.edgeShapes) {
      const row = await verifyVariant(gemm, workers, shape, 3, {threads: 2});
      expect(row.state, `${row.shapeText}: ${row.reason ?? row.check?.error}`).toBe('pass');
    }
  });
});
