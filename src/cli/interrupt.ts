// Ctrl-C for long commands: the first SIGINT aborts the signal (the work stops between cases,
// so what finished is kept); a second one calls `flush` (save what there is) and exits.
// SIGTERM (a CI timeout, `docker stop`) counts as a Ctrl-C: a case in hand ends within its time
// budget, well inside the usual grace period before SIGKILL, and a second signal still leaves at once.
// The exit status follows the shell's convention, 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.
//
// A signal that arrives while synchronous work (a JS kernel) holds the thread is only dispatched at
// the next turn of the event loop: `guard` takes that turn before removing its handlers, so a
// Ctrl-C during the last case still counts instead of being dropped with the handler.
//
// DLBENCH_READY_LINE=1 prints `dlbench: ready` on stderr once the handlers are installed (and the
// run context prints a line per case started): tests wait for it before they send a signal.

export const INTERRUPTED_EXIT_CODE = 130;
export const TERMINATED_EXIT_CODE = 143;

export const READY_LINE = 'dlbench: ready';

export function readyLinesEnabled(): boolean {
  return process.env.DLBENCH_READY_LINE === '1';
}

export function exitCodeFor(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? TERMINATED_EXIT_CODE : INTERRUPTED_EXIT_CODE;
}

export class Interrupt {
  private readonly controller = new AbortController();
  private received: NodeJS.Signals | undefined;

  constructor(private readonly flush: () => void) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** The exit status for the first signal received (130 SIGINT, 143 SIGTERM), undefined if none came. */
  get exitCode(): number | undefined {
    return this.received ? exitCodeFor(this.received) : undefined;
  }

  async guard<T>(work: () => Promise<T>): Promise<T> {
    const onSignal = (sig: NodeJS.Signals): void => {
      if (this.aborted) {
        this.flush();
        process.exit(this.exitCode ?? exitCodeFor(sig));
      }
      this.received = sig;
      this.controller.abort(sig);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (readyLinesEnabled()) process.stderr.write(`${READY_LINE}\n`);
    try {
      return await work();
    } finally {
      // Dispatch a signal that came during the last synchronous stretch of work (see above).
      await new Promise<void>((resolve) => setImmediate(resolve));
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
