// The one way dlbench writes its files (reports, the machine-roof cache): temp file in the same
// folder, then rename, so a reader (or a Ctrl-C) never sees half a file.
import {closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync} from 'node:fs';
import path from 'node:path';

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
