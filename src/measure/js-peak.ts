// The JS roof: how fast V8's generated code can issue float64 multiply-adds from independent
// chains (no SIMD, no FMA in JS). It bounds every 'js' variant; 'workers' get it per thread.
import {Worker} from 'node:worker_threads';

/** GFLOP/s of 12 independent x ← x·m + a chains (2 FLOPs each) for about `ms` ms. */
export function jsScalarPeak(ms: number): number {
  let x0 = 1.0,
    x1 = 1.1,
    x2 = 1.2,
    x3 = 1.3,
    x4 = 1.4,
    x5 = 1.5;
  let x6 = 1.6,
    x7 = 1.7,
    x8 = 1.8,
    x9 = 1.9,
    xa = 2.0,
    xb = 2.1;
  const m = 0.999,
    a = 0.001;
  let iters = 0;
  const t0 = performance.now();
  let t1 = t0;
  do {
    for (let r = 0; r < 20000; r++) {
      x0 = x0 * m + a;
      x1 = x1 * m + a;
      x2 = x2 * m + a;
      x3 = x3 * m + a;
      x4 = x4 * m + a;
      x5 = x5 * m + a;
      x6 = x6 * m + a;
      x7 = x7 * m + a;
      x8 = x8 * m + a;
      x9 = x9 * m + a;
      xa = xa * m + a;
      xb = xb * m + a;
    }
    iters += 20000;
    t1 = performance.now();
  } while (t1 - t0 < ms);
  // Use the chains so the JIT cannot drop them.
  if (x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + xa + xb === 42) console.log('');
  return (iters * 12 * 2) / ((t1 - t0) / 1e3) / 1e9;
}

/**
 * The same probe on `threads` worker threads at once, summed. Each worker warms up first (long
 * enough for V8 to finish optimizing: a TurboFan job on a background thread would take the other
 * worker's core), says it is ready, and all start the timed probe together on one message: started
 * one after another, the probes overlap only partly and with each other's compile jobs.
 */
export async function jsScalarPeakThreads(threads: number, ms: number): Promise<number> {
  if (threads <= 1) return jsScalarPeak(ms);
  const src = `const {parentPort, workerData} = require('node:worker_threads');
const jsScalarPeak = ${jsScalarPeak.toString()};
jsScalarPeak(60);
parentPort.once('message', () => parentPort.postMessage(jsScalarPeak(workerData)));
parentPort.postMessage('ready');`;
  const workers = Array.from({length: threads}, () => new Worker(src, {eval: true, workerData: ms}));
  try {
    const ready = workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
        }),
    );
    await Promise.all(ready);
    const results = workers.map(
      (w) =>
        new Promise<number>((resolve, reject) => {
          w.once('message', (v: number) => resolve(v));
          w.once('error', reject);
        }),
    );
    for (const w of workers) w.postMessage('go');
    return (await Promise.all(results)).reduce((s, v) => s + v, 0);
  } finally {
    for (const w of workers) void w.terminate();
  }
}
