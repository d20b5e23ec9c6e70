// Whether this machine has a WebGPU adapter (probed once per test file), and the skip reason.
// In CI (.ci/run installs Mesa's lavapipe) the adapter must exist: the WebGPU tests run there.
import {acquireWebGpu, releaseWebGpu} from '../../src/webgpu/device.js';

const probe = await acquireWebGpu();
releaseWebGpu();

export const gpuOk = probe.ok;
export const noGpuReason = probe.ok ? '' : probe.reason;
/** Appended to test names so a skipped test says why. */
export const needsGpu = probe.ok ? '' : ` [skipped: ${probe.reason}]`;
