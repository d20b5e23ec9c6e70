#!/usr/bin/env node
// Checks (or with --fix, applies) .clang-format on the addon's C sources. The style is pinned to
// the clang-format of Debian bookworm (major 14): other majors lay some constructs out differently,
// so there the check is skipped with a note instead of failing on layout it did not choose.
import {execFileSync, spawnSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import path from 'node:path';

const PINNED_MAJOR = 14;
const fix = process.argv.includes('--fix');

function sources(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'build' ? [] : sources(p);
    return /\.(c|h)$/.test(e.name) ? [p] : [];
  });
}

let version;
try {
  version = execFileSync('clang-format', ['--version'], {encoding: 'utf8'});
} catch {
  console.log('lint:c skipped: clang-format is not installed (apt-get install clang-format)');
  process.exit(0);
}
const major = Number(/version (\d+)/.exec(version)?.[1]);
if (major !== PINNED_MAJOR) {
  console.log(`lint:c skipped: the C style is pinned to clang-format ${PINNED_MAJOR}; this is ${version.trim()}`);
  process.exit(0);
}
const files = sources('src/native');
const args = fix ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
const r = spawnSync('clang-format', args, {stdio: 'inherit'});
if (r.status !== 0) {
  console.error('lint:c: C sources differ from .clang-format; run `npm run format`');
  process.exit(1);
}
console.log(`lint:c: ${files.length} C files ${fix ? 'formatted' : 'match .clang-format'}`);
