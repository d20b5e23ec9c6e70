// Shared behaviour of every command: --json, and errors mapped to exit codes
// (2 for bad input, with one line naming the flag; 1 for failures found while running).
import {Command, Errors, Flags} from '@oclif/core';
import {UsageError} from '../core/errors.js';
import {defaultThreads} from '../suite/run-suite.js';

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    seed: Flags.integer({description: 'seed for the inputs (the same seed gives the same matrices)', default: 42, min: 0, helpGroup: 'COMMON'}),
    threads: Flags.integer({description: 'threads for parallel variants (default: all cores)', min: 1, helpGroup: 'COMMON'}),
  };

  protected threadsOrDefault(threads: number | undefined): number {
    return threads ?? defaultThreads();
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    if (err instanceof UsageError && !this.jsonEnabled()) {
      // One line, unwrapped (oclif wraps at 80 columns), so scripts and CI logs can grep it.
      process.stderr.write(`Error: ${err.message}\n`);
      process.exitCode = 2;
      return undefined;
    }
    if (err instanceof UsageError) {
      // Re-thrown as oclif's own error so --json gets {error}; oclif's catch sets exit code 1
      // unless one is already set, so set 2 first.
      process.exitCode = 2;
      return super.catch(new Errors.CLIError(err.message, {exit: 2}) as never);
    }
    return super.catch(err);
  }

  /** Progress and tables go to a person only: never with --json, never into a pipe. */
  protected interactive(): boolean {
    return !this.jsonEnabled() && Boolean(process.stdout.isTTY);
  }
}
