#!/usr/bin/env node
// Builds the native SIMD addon (src/native) with node-gyp, offline, at `npm install`/`npm ci`
// (the root package's own "install" script: npm 11 runs it, unlike dependencies' scripts).
// A failed build never fails the install: the reason is saved to src/native/build/BUILD_FAILED.txt,
// where the loader finds it, and the native variants show as unavailable with it.
// `npm run build:native` rebuilds by hand; `--strict` makes a failure exit 1; `--check` builds
// nothing and exits 1 with the saved reason unless the addon is there and matches its stamp (CI).
// After a successful build the addon's size and sha256 go to dlbench_native.node.stamp.json beside
// it: the loader (src/native/loader.ts) loads an addon that matches its stamp directly, and probes
// any other in a child process first, so a truncated file is reported rather than a SIGBUS.
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = path.join(root, 'src', 'native');
const buildDir = path.join(nativeDir, 'build');
const failedFile = path.join(buildDir, 'BUILD_FAILED.txt');
const built = path.join(buildDir, 'Release', 'dlbench_native.node');
const stampFile = `${built}.stamp.json`;

function stampOf(file) {
  return {size: statSync(file).size, sha256: createHash('sha256').update(readFileSync(file)).digest('hex')};
}

function stampMatches() {
  try {
    const want = JSON.parse(readFileSync(stampFile, 'utf8'));
    const have = stampOf(built);
    return want.size === have.size && want.sha256 === have.sha256;
  } catch {
    return false;
  }
}
const strict = process.argv.includes('--strict');
const verbose = process.argv.includes('--verbose') || strict;

function nodeGyp() {
  // npm points its lifecycle scripts at the node-gyp it bundles; outside npm, look for that copy.
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((c) => c && existsSync(c));
}

function nodedirArgs() {
  // Build against the headers of the Node that runs us, never downloading them: npm's
  // `nodedir` setting when present, else this Node's own install prefix when it ships headers.
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function fail(reason, log = '') {
  mkdirSync(buildDir, {recursive: true});
  writeFileSync(failedFile, `${reason}\n${log.slice(-4000)}`);
  console.warn(`dlbench: native addon not built (${reason}); native variants will be skipped. Rebuild: npm run build:native`);
  process.exit(strict ? 1 : 0);
}

if (process.argv.includes('--check')) {
  if (existsSync(built) && !existsSync(failedFile) && stampMatches()) {
    console.log(`dlbench: native addon present (${path.relative(root, built)})`);
    process.exit(0);
  }
  const why = existsSync(failedFile)
    ? readFileSync(failedFile, 'utf8')
    : existsSync(built)
      ? 'it does not match its build stamp (damaged or built outside scripts/build-native.mjs)'
      : 'not built';
  console.error(`dlbench: native addon missing: ${why}`);
  process.exit(1);
}
if (process.env.DLBENCH_SKIP_NATIVE_BUILD === '1') fail('DLBENCH_SKIP_NATIVE_BUILD=1');
const gyp = nodeGyp();
if (!gyp) fail('node-gyp not found (it ships with npm)');
rmSync(failedFile, {force: true});
rmSync(stampFile, {force: true});
const r = spawnSync(process.execPath, [gyp, 'rebuild', ...nodedirArgs()], {
  cwd: nativeDir,
  encoding: 'utf8',
  stdio: verbose ? 'inherit' : 'pipe',
  env: {...process.env, npm_config_offline: 'true'},
});
if (r.error) fail(`node-gyp could not start: ${r.error.message}`);
if (r.status !== 0) {
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const firstError = log.split('\n').find((l) => /error|not found|No such file/i.test(l) && !/^gyp (info|ERR! stack)/.test(l));
  fail(`node-gyp exited with ${r.status}${firstError ? `: ${firstError.trim().slice(0, 200)}` : ''}`, log);
}
// Written last, so an interrupted build leaves no stamp and the loader probes the file first.
writeFileSync(stampFile, `${JSON.stringify(stampOf(built))}\n`);
if (!verbose) console.log('dlbench: native addon built (src/native/build/Release/dlbench_native.node)');
