// A one-line progress indicator on stderr for long runs; silent when stderr is not a terminal.

export class Progress {
  private active = false;
  private readonly started = performance.now();

  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(index: number, total: number, label: string): void {
    if (!this.enabled) return;
    const elapsed = ((performance.now() - this.started) / 1000).toFixed(0);
    const width = this.stream.columns ? this.stream.columns - 1 : 100;
    const line = `[${index + 1}/${total}] ${elapsed}s  ${label}`;
    this.stream.write(`\r\x1b[2K${line.slice(0, width)}`);
    this.active = true;
  }

  clear(): void {
    if (this.active) this.stream.write('\r\x1b[2K');
    this.active = false;
  }
}
