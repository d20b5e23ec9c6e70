// The one place that writes report files: temp file in the same folder, then rename, so a
// reader (or a Ctrl-C) never sees half a file.
import {existsSync, statSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync} from 'node:fs';
import path from 'node:path';
import {UsageError} from '../core/errors.js';

export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.dlbench-tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(file)}`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, {force: true});
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, {force: true});
    throw err;
  }
}

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
    throw new UsageError(`${flag}: cannot write '${file}' (${(err as NodeJS.ErrnoException).code ?? 'error'}). Valid: a file path in a writable folder`);
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
