// Errors that reach the user. A UsageError is bad input: one line, exit code 2, nothing written.

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Builds the one-line message for a bad flag value: names the flag and what would be valid. */
export function badFlag(flag: string, value: string, valid: string): UsageError {
  return new UsageError(`${flag}: invalid value '${value}'. Valid: ${valid}`);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
