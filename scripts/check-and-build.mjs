// `npm test`'s compile step: the type check (sources and tests, no output) and the build (sources
// to dist/) at once. They read the same files and each keeps one core busy for several seconds, so
// on a 2-core machine running them side by side saves most of one. Fails if either fails, with
// each one's output printed whole (not interleaved).
import {spawn} from 'node:child_process';

const run = (args) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({args, code, out}));
  });

const results = await Promise.all([run(['-p', 'tsconfig.json']), run(['-p', 'tsconfig.build.json'])]);
for (const r of results) {
  process.stdout.write(`> tsc ${r.args.join(' ')}\n${r.out}`);
}
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
