// `run --processes N`: the plan runs once in each of N fresh child processes, one after another,
// and the parent pools their results (repetitions.ts). The child is the same command line with
// DLBENCH_CHILD_OUT set: it runs the plan, writes its results there and prints no table.
//
// Signals: the child runs in its own process group, so a Ctrl-C at the terminal reaches the
// parent only, and the parent passes each signal on. The child then finishes its case, saves
// what it finished and exits 130 (143 for SIGTERM) as any run does; the parent pools what the
// processes finished and stops. Should the parent exit first (a second Ctrl-C), it sends the
// child SIGTERM on the way out, so no process is left measuring.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {CaseResult, Report} from '../core/results.js';
import {readReport} from '../report/validate.js';
import {poolProcesses} from './repetitions.js';

/** Set in a child's environment: where it writes its results. */
export const CHILD_OUT_ENV = 'DLBENCH_CHILD_OUT';
/** Set in a child's environment: 'i/N', the process it is (progress labels). */
export const CHILD_LABEL_ENV = 'DLBENCH_CHILD_PROCESS';
/** Set in a child's environment when the parent has a person at its terminal: show the progress line. */
export const CHILD_PROGRESS_ENV = 'DLBENCH_CHILD_PROGRESS';

export interface ProcessesOptions {
  /** The command to run as a child: node, then these arguments (the CLI and the command line). */
  args: string[];
  processes: number;
  signal: AbortSignal;
  /** Extra environment for the children (on top of this process's). */
  env?: Record<string, string>;
  /** Receives the pooled results after each process, so an interrupted run can save them. */
  onPooled: (results: CaseResult[]) => void;
}

export interface ProcessesOutcome {
  results: CaseResult[];
  /** Processes that ran to the end. */
  completed: number;
  interrupted: boolean;
}

/** The child's side: the output file and label when this process is one of `run --processes`. */
export function childProcessRole(env = process.env): {out: string; label: string; progress: boolean} | undefined {
  const out = env[CHILD_OUT_ENV];
  return out ? {out, label: env[CHILD_LABEL_ENV] ?? '?', progress: env[CHILD_PROGRESS_ENV] === '1'} : undefined;
}

export async function runInProcesses(opts: ProcessesOptions): Promise<ProcessesOutcome> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-processes-'));
  const perProcess: CaseResult[][] = [];
  let completed = 0;
  let interrupted = false;
  try {
    for (let p = 1; p <= opts.processes && !opts.signal.aborted; p++) {
      const out = path.join(dir, `process-${p}.json`);
      const child = spawn(process.execPath, opts.args, {
        stdio: ['ignore', 'ignore', 'inherit'],
        detached: true,
        env: {...process.env, ...opts.env, [CHILD_OUT_ENV]: out, [CHILD_LABEL_ENV]: `${p}/${opts.processes}`},
      });
      const forward = (): void => {
        child.kill((opts.signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
      };
      const onExit = (): void => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      };
      opts.signal.addEventListener('abort', forward, {once: true});
      process.on('exit', onExit);
      const status = await new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => resolve({code, signal}));
      }).finally(() => {
        opts.signal.removeEventListener('abort', forward);
        process.off('exit', onExit);
      });
      let report: Report | undefined;
      try {
        report = readReport(out);
      } catch (err) {
        // A child stopped by a signal before it saved anything has nothing to pool.
        if (status.signal || opts.signal.aborted) {
          interrupted = true;
          break;
        }
        throw new Error(
          `process ${p}/${opts.processes} exited with ${status.code ?? status.signal} and no results: ${(err as Error).message}`,
        );
      }
      perProcess.push(report.results);
      opts.onPooled(poolProcesses(perProcess));
      if (report.interrupted) {
        interrupted = true;
        break;
      }
      completed++;
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
  return {results: poolProcesses(perProcess), completed, interrupted: interrupted || opts.signal.aborted};
}
