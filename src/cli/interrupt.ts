// Ctrl-C for long commands: the first SIGINT aborts the signal (the work stops between cases,
// so what finished is kept); a second one calls `flush` (save what there is) and exits 130.
// SIGTERM (a CI timeout, `docker stop`) counts as a Ctrl-C: a case in hand ends within its time
// budget, well inside the usual grace period before SIGKILL, and a second signal still leaves at once.

export const INTERRUPTED_EXIT_CODE = 130;

export class Interrupt {
  private readonly controller = new AbortController();

  constructor(private readonly flush: () => void) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  async guard<T>(work: () => Promise<T>): Promise<T> {
    const onSignal = (): void => {
      if (this.aborted) {
        this.flush();
        process.exit(INTERRUPTED_EXIT_CODE);
      }
      this.controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      return await work();
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
