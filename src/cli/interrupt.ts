// Ctrl-C for long commands: the first SIGINT aborts the signal (the work stops between cases,
// so what finished is kept); a second one calls `flush` (save what there is) and exits 130.

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
    const onSigint = (): void => {
      if (this.aborted) {
        this.flush();
        process.exit(130);
      }
      this.controller.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      return await work();
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
