// Whole-size networks through the forward pass (AlexNet, AlexNet-2012, VGG-11 at batch 2): the
// layout and algorithm agreements of nets.test.ts at full size, half a minute together, so they
// run with `npm run test:slow` (.ci/run runs both); nets.test.ts checks the same on small nets.
import {describe, expect, it} from 'vitest';
import {relWorst} from '../helpers/rel-error.js';
import {resolveChoice} from '../../src/nets/kernels.js';
import {forwardNet} from '../../src/nets/run-net.js';
import {findNet} from '../../src/nets/shapes.js';

const caps = {threads: 1};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('full-size network forward passes agree across algorithms and layouts', () => {
  it('AlexNet (torchvision): Winograd F(2x2) (im2col fallback on 11×11 and 5×5) agrees with im2col', async () => {
    const net = findNet('alexnet');
    const ref = await forwardNet(net, 1, resolveChoice('im2col', undefined, caps), 3, caps);
    const out = await forwardNet(net, 1, resolveChoice('winograd-f2x3', undefined, caps), 3, caps);
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(out[i] - ref[i]) / Math.max(ref[i], 1e-6));
    expect(worst).toBeLessThan(1e-3);
    expect(sum(Array.from(out))).toBeCloseTo(1, 4);
  });

  for (const name of ['alexnet', 'alexnet-2012']) {
    it(`${name}: NHWC forward agrees with NCHW (im2col on the fastest engine)`, async () => {
      const net = findNet(name);
      const choice = resolveChoice('im2col', undefined, caps);
      const ref = await forwardNet(net, 1, choice, 3, caps);
      const out = await forwardNet(net, 1, choice, 3, caps, undefined, 'nhwc');
      expect(out.length).toBe(1000);
      expect(relWorst(out, ref)).toBeLessThan(1e-4);
      expect(sum(Array.from(out))).toBeCloseTo(1, 4);
      // The softmax is not flat: the agreement says something about the layers before it.
      expect(Math.max(...out)).toBeGreaterThan(2 * Math.min(...out));
    });
  }

  it('vgg11 at batch 2: NHWC with Winograd F(4x4) agrees with NCHW im2col', async () => {
    const net = findNet('vgg11');
    const ref = await forwardNet(net, 2, resolveChoice('im2col', undefined, caps), 4, caps);
    const out = await forwardNet(net, 2, resolveChoice('winograd-f4x3', undefined, caps), 4, caps, undefined, 'nhwc');
    expect(out.length).toBe(2000);
    expect(relWorst(out, ref)).toBeLessThan(1e-3);
  });
});
