// The one way dlbench writes its files (reports, exports, the machine-roof cache): every byte to a
// temp file in the target's folder, fsync, size checked, then rename, so a reader (or a Ctrl-C, or
// a full disk) never sees half a file and the previous file survives any failure.
// A symlink target is followed: the resolved file is replaced and the link stays a link.
// A target that exists and is not a regular file (a device, a fifo, a folder) is refused.
import * as fs from 'node:fs';
import path from 'node:path';

/** The fs calls the write makes: a seam so tests can inject a short write or a full disk. */
export interface WriteIo {
  openSync: (file: string, flags: string, mode?: number) => number;
  writeSync: (fd: number, buf: Uint8Array, offset: number, length: number) => number;
  fsyncSync: (fd: number) => void;
  fstatSync: (fd: number) => {size: number};
  closeSync: (fd: number) => void;
  renameSync: (from: string, to: string) => void;
}

const nodeIo: WriteIo = fs;

/** Where a write to `file` really lands: the symlink's resolved target, or the path itself. */
export function resolveTarget(file: string, depth = 0): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync(abs);
  } catch {
    // Absent, or a dangling link (followed: the write creates its target; a loop stops at 40).
  }
  try {
    const link = fs.readlinkSync(abs);
    if (depth < 40) return resolveTarget(path.resolve(path.dirname(abs), link), depth + 1);
  } catch {
    // not a link: an absent file
  }
  try {
    return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
  } catch {
    return abs;
  }
}

/** Why `file` cannot be replaced by a regular file, or undefined when it can. */
export function notRegular(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    if (st.isFile()) return undefined;
    return st.isDirectory() ? 'is a folder' : 'exists and is not a regular file (a device, fifo or socket)';
  } catch {
    return undefined;
  }
}

export function writeFileAtomic(file: string, content: string, io: WriteIo = nodeIo): void {
  if (file === '') throw new Error('cannot write to an empty path');
  const target = resolveTarget(file);
  const why = notRegular(target);
  if (why) throw new Error(`'${file}' ${why}; not replaced`);
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.dlbench-tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${path.basename(target)}`);
  const bytes = Buffer.from(content, 'utf8');
  const existed = fs.existsSync(target);
  let fd: number | undefined;
  try {
    fd = io.openSync(tmp, 'wx', 0o644);
    let done = 0;
    while (done < bytes.length) {
      const n = io.writeSync(fd, bytes, done, bytes.length - done);
      // A write that makes no progress is a full disk that did not say ENOSPC: stop, do not spin.
      if (!(n > 0)) throw new Error(`short write, ${done} of ${bytes.length} bytes (disk full?)`);
      done += n;
    }
    io.fsyncSync(fd);
    const size = io.fstatSync(fd).size;
    if (size !== bytes.length) throw new Error(`short write, ${size} of ${bytes.length} bytes on disk`);
    io.closeSync(fd);
    fd = undefined;
    io.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        io.closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    fs.rmSync(tmp, {force: true});
    const e = err as NodeJS.ErrnoException;
    const why = e.code ? `${e.code} (${e.message.replace(/^\w+: /, '').replace(/, \w+.*$/, '')})` : e.message;
    throw new Error(`cannot write '${file}': ${why}; ${existed ? 'the previous file is unchanged' : 'nothing written'}`);
  }
}
