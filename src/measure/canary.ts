// The clock canary: a short loop of dependent integer multiply-adds, timed before and after each
// case. Each iteration waits for the previous one (no instruction-level parallelism, no memory),
// so its time per iteration follows the core's effective clock and nothing else. A hypervisor
// that slows the guest, a thermal or power cap, or a host tenant that takes the core shows up as
// a canary that moved, even where the load average (which sees only this guest) stays low.
// The runs are short enough to fall between scheduler ticks; the median of several ignores the
// one that a preemption caught.
import os from 'node:os';
import type {CaseMachine} from '../core/results.js';

/** Iterations per canary run: a fraction of a millisecond on any current core. */
export const CANARY_ITERATIONS = 100_000;
/** Canary runs per reading; the reading is their median. */
export const CANARY_RUNS = 9;
/** A canary that moved more than this (after/before − 1, either way) flags the case. */
export const CANARY_TOLERANCE = 0.05;

let sink = 0;
let warmed = false;

function spin(n: number): number {
  let x = sink | 1;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 0x9e3779b1) + 0x7f4a7c15) | 0;
  return x;
}

/** One reading: ns per iteration, the median of CANARY_RUNS runs (after untimed runs for the JIT). */
export function readCanary(clock: () => number = () => performance.now()): number {
  // A fresh process interprets the loop first and optimizes it later: run it to the optimized
  // code once, or the first case of every process would see its canary "speed up".
  for (let r = warmed ? 1 : 20; r > 0; r--) sink ^= spin(CANARY_ITERATIONS);
  warmed = true;
  const times = new Float64Array(CANARY_RUNS);
  for (let r = 0; r < CANARY_RUNS; r++) {
    const t0 = clock();
    sink ^= spin(CANARY_ITERATIONS);
    times[r] = ((clock() - t0) * 1e6) / CANARY_ITERATIONS;
  }
  times.sort();
  return times[CANARY_RUNS >> 1];
}

/** The 1-minute load average, or undefined where the OS keeps none (Windows reports zeros). */
export function loadAverage(): number | undefined {
  if (process.platform === 'win32') return undefined;
  const x = os.loadavg()[0];
  return Number.isFinite(x) ? x : undefined;
}

export interface MachineReading {
  canaryNs: number;
  load?: number;
}

export function readMachine(): MachineReading {
  const load = loadAverage();
  return {canaryNs: readCanary(), ...(load !== undefined ? {load} : {})};
}

/** Relative move of the canary, after/before − 1 (positive: the clock got slower). */
export function canaryMove(m: Pick<CaseMachine, 'canaryBeforeNs' | 'canaryAfterNs'>): number {
  return m.canaryAfterNs / m.canaryBeforeNs - 1;
}

/**
 * The record of one case from the readings before and after it. `cores` is what the machine
 * has: a load average above it means runnable threads waited for a core during the case.
 */
export function caseMachine(before: MachineReading, after: MachineReading, cores: number): CaseMachine {
  const m: CaseMachine = {
    canaryBeforeNs: before.canaryNs,
    canaryAfterNs: after.canaryNs,
    ...(before.load !== undefined ? {loadBefore: before.load} : {}),
    ...(after.load !== undefined ? {loadAfter: after.load} : {}),
    clockMoved: false,
    underLoad: (before.load ?? 0) > cores || (after.load ?? 0) > cores,
  };
  m.clockMoved = !(Math.abs(canaryMove(m)) <= CANARY_TOLERANCE);
  return m;
}
