// Where reports go: the default path, and a check that --out can be written before any measuring.
// The writing itself is writeFileAtomic (src/core/write-file.ts).
import {existsSync, closeSync, mkdirSync, openSync, rmSync} from 'node:fs';
import path from 'node:path';
import {UsageError} from '../core/errors.js';
import {notRegular, resolveTarget} from '../core/write-file.js';

/**
 * Fails early (before any measuring) when the output file could not be written: an empty path,
 * a target that is a folder, device, fifo or socket (a symlink is judged by what it points to,
 * which is what gets replaced), or a folder where no file can be created.
 */
export function assertWritable(file: string, flag: string): void {
  if (file.trim() === '') throw new UsageError(`${flag}: empty path. Valid: a file path in a writable folder`);
  const target = resolveTarget(file);
  const dir = path.dirname(target);
  const why = notRegular(target);
  if (why) throw new UsageError(`${flag}: '${file}' ${why}. Valid: a regular file path in a writable folder`);
  try {
    makeDirs(dir);
    const probe = path.join(dir, `.dlbench-tmp-probe-${process.pid}`);
    closeSync(openSync(probe, 'w'));
    rmSync(probe);
  } catch (err) {
    throw new UsageError(
      `${flag}: cannot write '${file}' (${(err as NodeJS.ErrnoException).code ?? 'error'}). Valid: a file path in a writable folder`,
    );
  }
}

/**
 * Fails early when two files of one command are the same file (after symlinks): an output that
 * would overwrite another output, or an input (--baseline, a results file) that an output would
 * replace. `files` are [flag, path] pairs; absent flags are left out by the caller.
 */
export function assertDistinct(outputs: [string, string][], inputs: [string, string][] = []): void {
  const seen = new Map<string, string>();
  for (const [flag, file] of inputs) seen.set(resolveTarget(file), flag);
  for (const [flag, file] of outputs) {
    const key = resolveTarget(file);
    const other = seen.get(key);
    if (other !== undefined) {
      throw new UsageError(`${flag}: '${file}' is the same file as ${other}. Valid: a different file for each output`);
    }
    seen.set(key, flag);
  }
}

/**
 * mkdir -p, one level at a time: Node 20's recursive mkdirSync never returns on some pseudo
 * file systems (a path under /proc spins forever), and an error here must come back at once.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = dir;
  while (!existsSync(d)) {
    missing.unshift(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing) mkdirSync(m);
}

/** reports/<name>-<timestamp>.json: `run` and `sweep` use 'run', the other commands their own name. */
export function defaultOutPath(now = new Date(), name = 'run'): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('Z', '');
  return path.join('reports', `${name}-${stamp}.json`);
}
