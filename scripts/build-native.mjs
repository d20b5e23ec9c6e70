#!/usr/bin/env node
// Builds the native SIMD addon (src/native) with node-gyp, offline, at `npm install`/`npm ci`
// (the root package's own "install" script: npm 11 runs it, unlike dependencies' scripts).
// A failed build never fails the install: the reason is saved to src/native/build/BUILD_FAILED.txt,
// where the loader finds it, and the native variants show as unavailable with it.
// `npm run build:native` rebuilds by hand; `--strict` makes a failure exit 1; `--check` builds
// nothing and exits 1 with the saved reason unless the addon is there (CI).
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = path.join(root, 'src', 'native');
const buildDir = path.join(nativeDir, 'build');
const failedFile = path.join(buildDir, 'BUILD_FAILED.txt');
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
  const built = path.join(buildDir, 'Release', 'dlbench_native.node');
  if (existsSync(built) && !existsSync(failedFile)) {
    console.log(`dlbench: native addon present (${path.relative(root, built)})`);
    process.exit(0);
  }
  console.error(`dlbench: native addon missing: ${existsSync(failedFile) ? readFileSync(failedFile, 'utf8') : 'not built'}`);
  process.exit(1);
}
if (process.env.DLBENCH_SKIP_NATIVE_BUILD === '1') fail('DLBENCH_SKIP_NATIVE_BUILD=1');
const gyp = nodeGyp();
if (!gyp) fail('node-gyp not found (it ships with npm)');
rmSync(failedFile, {force: true});
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
if (!verbose) console.log('dlbench: native addon built (src/native/build/Release/dlbench_native.node)');
