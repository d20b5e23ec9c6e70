// Runs the real CLI (compiled bin/run.js, as users run it) in a child process, so exit codes,
// stdout/stderr separation and signals are tested for real. `npm test` builds first.
import {spawn, type ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
): {child: ChildProcess; done: Promise<CliResult>} {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: {...process.env, NO_COLOR: '1', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({code, signal, stdout, stderr})));
  return {child, done};
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<CliResult> {
  return startCli(args, env, cwd).done;
}

/**
 * Resolves once the child has printed `pattern` on stdout or stderr: interrupt tests wait for a
 * line saying work has finished instead of a fixed delay, which a loaded machine outruns.
 */
export function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer | string): void => {
      seen += d;
      if (!pattern.test(seen)) return;
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.off('close', onClose);
      resolve();
    };
    const onClose = (): void => reject(new Error(`the command ended before printing ${pattern}:\n${seen}`));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('close', onClose);
  });
}
