// Where reports go: the default path, and a check that --out can be written before any measuring.
// The writing itself is writeFileAtomic (src/core/write-file.ts).
import {existsSync, statSync, closeSync, mkdirSync, openSync, rmSync} from 'node:fs';
import path from 'node:path';
import {UsageError} from '../core/errors.js';

/** Fails early (before any measuring) when the output file could not be written. */
export function assertWritable(file: string, flag: string): void {
  const dir = path.dirname(path.resolve(file));
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new UsageError(`${flag}: '${file}' is a folder. Valid: a file path in a writable folder`);
  }
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
