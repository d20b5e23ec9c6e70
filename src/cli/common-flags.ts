// Bounds every measuring command shares, checked before anything is measured: --threads (a
// multiple of the cores: more only oversubscribes and a large count hangs set-up spawning workers),
// --seed (the generators take 32 bits: 2³² would alias seed 0) and --max-cases.
import {Flags} from '@oclif/core';
import {UsageError} from '../core/errors.js';
import {DEFAULT_MAX_CASES} from '../suite/plan.js';
import {defaultThreads} from '../suite/run-suite.js';

/** Threads allowed per core: enough to study oversubscription, not enough to hang set-up. */
export const THREADS_PER_CORE = 4;
export const MAX_SEED = 2 ** 32 - 1;

export function maxThreads(): number {
  return THREADS_PER_CORE * defaultThreads();
}

function threadsRange(): string {
  return `1..${maxThreads()} (${THREADS_PER_CORE}× this machine's ${defaultThreads()} cores)`;
}

/** One thread count: an integer within 1..4×cores. */
export function parseThreads(text: string, flag = '--threads'): number {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > maxThreads())
    throw new UsageError(`${flag}: '${text}' is not a thread count. Valid: ${threadsRange()}`);
  return n;
}

/** A list of thread counts already parsed (sweep's ranges): each within the same bound. */
export function assertThreads(counts: readonly number[], flag = '--threads'): void {
  const over = counts.find((n) => n > maxThreads());
  if (over !== undefined) throw new UsageError(`${flag}: ${over} threads is too many. Valid: ${threadsRange()}`);
}

/** A seed: an integer 0..2³²−1, no exponent, no fraction. */
export function parseSeed(text: string, flag = '--seed'): number {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_SEED)
    throw new UsageError(`${flag}: '${text}' is not a seed. Valid: an integer 0..${MAX_SEED} (2³²−1)`);
  return n;
}

export const maxCasesFlag = Flags.integer({
  description: `refuse plans with more cases (variant × size × thread count) than this (default ${DEFAULT_MAX_CASES})`,
  default: DEFAULT_MAX_CASES,
  min: 1,
});
