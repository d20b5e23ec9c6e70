// Generated from the registry: every variant of every op, on that op's edge shapes, against
// the op's reference check. A new variant is covered by adding it to its op's array.
import {afterAll, describe, expect, it} from 'vitest';
import {allOps} from '../../src/kernels/registry.js';
import {withNetLayers} from '../../src/nets/conv-layers.js';
import {defaultThreads} from '../../src/suite/run-suite.js';
import {releaseWebGpu} from '../../src/webgpu/device.js';
// Probes the GPU once, so WebGPU variants are available (run through lavapipe) rather than "not probed".
import '../helpers/webgpu.js';

afterAll(() => releaseWebGpu());

const caps = {threads: defaultThreads()};

for (const op of allOps()) {
  describe(`${op.name} conformance`, () => {
    for (const v of op.variants) {
      const avail = v.available(caps);
      for (const shape of op.edgeShapes) {
        // Shapes the algorithm cannot compute at all (Winograd needs 3×3, an FC kernel an fc shape).
        const sup = v.supports?.(shape) ?? {ok: true as const};
        const why = !avail.ok ? avail.reason : !sup.ok ? sup.reason : '';
        const name = `${v.id} @ ${op.spec.describe(shape)}${why ? ` (skipped: ${why})` : ''}`;
        it.skipIf(why !== '')(name, async () => {
          const inputs = op.spec.makeInputs(shape, 11);
          const state = await v.prepare(shape, inputs, {threads: caps.threads});
          try {
            const out = await v.run(state);
            const r = op.spec.check(shape, inputs, out, {toleranceScale: v.toleranceScale?.(shape) ?? 1, seed: 11});
            expect(r.pass, `${r.method}: error ${r.error} > ${r.tolerance} ${r.detail ?? ''}`).toBe(true);
            // Calling twice on the same state must give the same answer (no stale accumulators).
            const again = await v.run(state);
            expect(op.spec.check(shape, inputs, again, {toleranceScale: v.toleranceScale?.(shape) ?? 1, seed: 11}).pass).toBe(
              true,
            );
          } finally {
            await v.dispose?.(state);
          }
        });
      }
    }
  });
}

describe('registry', () => {
  it('has unique, well-formed ids whose op prefix matches the op', () => {
    const ids = allOps().flatMap((o) => o.variants.map((v) => v.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of allOps()) {
      for (const v of op.variants) {
        expect(v.id).toMatch(/^[a-z0-9]+\/[a-z0-9]+(-[a-z0-9x]+)*$/);
        expect(v.id.startsWith(`${op.name}/`)).toBe(true);
        expect(v.op).toBe(op.name);
        expect(v.summary.length).toBeGreaterThan(10);
      }
    }
  });

  it('gives every op a quick preset and round-trips its shape text through the parser', () => {
    for (const op of allOps().map(withNetLayers)) {
      expect(op.presets.quick?.length).toBeGreaterThan(0);
      for (const s of [...op.edgeShapes, ...Object.values(op.presets).flat()]) {
        expect(op.parseShape(op.spec.describe(s))).toEqual(s);
      }
    }
  });
});
