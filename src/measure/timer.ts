// The clock behind every measurement. tinybench does the sampling (warm-up, time budget,
// minimum iterations); a case is never cut short, so Ctrl-C takes effect between cases.
// Tests substitute a fake Timer so stats and runner logic are exact.
import {Bench} from 'tinybench';

export interface TimingOptions {
  /** Minimum measuring time per case, in ms (tinybench's `time`). */
  timeBudgetMs: number;
  /** Minimum number of samples, whatever the time budget. */
  minSamples: number;
  /** Warm-up time before sampling, in ms. */
  warmupMs: number;
  /** Minimum warm-up calls. */
  warmupIterations: number;
}

export interface Timer {
  /** Calls fn repeatedly; returns one duration in ms per timed call. */
  measure(fn: () => unknown, opts: TimingOptions): Promise<number[]>;
}

export const tinybenchTimer: Timer = {
  async measure(fn, opts) {
    const bench = new Bench({
      time: opts.timeBudgetMs,
      iterations: opts.minSamples,
      warmup: opts.warmupIterations > 0 || opts.warmupMs > 0,
      warmupTime: opts.warmupMs,
      warmupIterations: opts.warmupIterations,
      retainSamples: true,
      throws: true,
    });
    bench.add('case', fn);
    await bench.run();
    const task = bench.tasks[0];
    const r = task.result;
    if (r.state === 'errored') throw r.error;
    if (r.state !== 'completed' && r.state !== 'aborted-with-statistics') {
      throw new Error(`measurement ${r.state}`);
    }
    return [...(r.latency.samples ?? [])];
  },
};
