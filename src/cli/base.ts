// Shared behaviour of every command: --json, and errors mapped to exit codes
// (2 for bad input, with one line naming the flag; 1 for failures found while running).
import {Command, Errors, Flags} from '@oclif/core';
import {UsageError} from '../core/errors.js';
import type {Report} from '../core/results.js';
import {defaultThreads, failedCount} from '../suite/run-suite.js';
import {configureWebGpu, GPU_BACKENDS} from '../webgpu/device.js';
import {MAX_SEED, parseSeed, parseThreads, THREADS_PER_CORE} from './common-flags.js';
import {interruptedMessage, RunContext, type RunContextOptions} from './run-context.js';

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    seed: Flags.custom<number>({
      description: `seed for the inputs, an integer 0..${MAX_SEED} (the same seed gives the same matrices)`,
      default: 42,
      parse: async (text) => parseSeed(text),
      helpGroup: 'COMMON',
    })(),
    threads: Flags.custom<number>({
      description: `threads for parallel variants, at most ${THREADS_PER_CORE}× the cores (default: all cores)`,
      parse: async (text) => parseThreads(text),
      helpGroup: 'COMMON',
    })(),
    'gpu-backend': Flags.string({
      description: 'WebGPU (Dawn) backend to use when several exist',
      options: [...GPU_BACKENDS],
      helpGroup: 'WEBGPU',
    }),
    'gpu-adapter': Flags.string({
      description: "WebGPU adapter: index into Dawn's list (see `dlbench env`) or part of its name",
      helpGroup: 'WEBGPU',
    }),
  };

  /** Applies --gpu-backend/--gpu-adapter before any WebGPU variant acquires the device. */
  protected configureGpu(flags: {'gpu-backend'?: string; 'gpu-adapter'?: string}): void {
    configureWebGpu({backend: flags['gpu-backend'], adapter: flags['gpu-adapter']});
  }

  protected threadsOrDefault(threads: number | undefined): number {
    return threads ?? defaultThreads();
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // Bad input (ours, or oclif's flag parser): one unwrapped line, exit 2, no stack trace.
    const usage = err instanceof UsageError || (err instanceof Errors.CLIError && err.oclif?.exit === 2);
    if (!usage) return super.catch(err);
    // Our own parsers' errors already name the flag: drop oclif's 'Parsing --x' wrapper around them.
    const own =
      err instanceof UsageError
        ? err.message.replace(/^Parsing --\S+\s*\n\t/, '').replace(/\nSee more help with --help$/, '')
        : err.message;
    const message = own.replace(/\s*\n\s*/g, ' ').trim();
    if (this.jsonEnabled()) this.logJson({error: {message, exitCode: 2}});
    else process.stderr.write(`Error: ${message}\n`);
    return this.exit(2);
  }

  /**
   * The exit status of a measuring command: 130 when interrupted (143 after SIGTERM) (the finished items were
   * saved to the context's output file), 1 when any item failed its check or threw. Returns whether it set one.
   */
  protected setExitStatus(report: Report, ctx: RunContext): boolean {
    const unit = ctx.unit;
    if (report.interrupted) {
      this.logToStderr(interruptedMessage(report, ctx.out, unit));
      process.exitCode = ctx.interruptExitCode;
      return true;
    }
    const failed = failedCount(report);
    if (failed > 0) {
      this.logToStderr(`${failed} ${unit}(s) failed their check or errored`);
      process.exitCode = 1;
      return true;
    }
    return false;
  }

  /** Output files checked, progress line, Ctrl-C/SIGTERM saving: see run-context.ts. */
  protected runContext(opts: Omit<RunContextOptions, 'progress'>): RunContext {
    return new RunContext({...opts, progress: this.interactive() && Boolean(process.stderr.isTTY)});
  }

  /** Progress and tables go to a person only: never with --json, never into a pipe. */
  protected interactive(): boolean {
    return !this.jsonEnabled() && Boolean(process.stdout.isTTY);
  }
}
