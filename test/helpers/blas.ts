// Whether a CBLAS library (libopenblas0) is loadable here, and the skip reason: the tests of
// gemm/openblas and the rows built on it skip, saying why, on a fresh machine without it, and must
// run in CI (.ci/run installs it; `blasInCi` there turns its absence into a failure).
// DLBENCH_NO_OPENBLAS=1 hides the library to check that the skips work (src/native/loader.ts).
import {blasAvailability} from '../../src/kernels/gemm/openblas.js';

const probe = blasAvailability();

export const blasOk = probe.ok;
/** Appended to test names so a skipped test says why. */
export const needsBlas = probe.ok ? '' : ` [skipped: ${probe.reason}]`;
/** For an `it` of its own: fails under CI=true when the library is missing, passes elsewhere. */
export function assertBlasInCi(): void {
  if (process.env.CI === 'true' && !probe.ok) throw new Error(`CI=true but gemm/openblas is unavailable: ${probe.reason}`);
}
