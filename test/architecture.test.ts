// The import direction of src/ (DESIGN.md, "Layout"), checked with the same dependency-cruiser
// config that `npm run lint:deps` uses: first that the config catches a planted violation of each
// kind, then that the real tree has none.
import {execFile} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, describe, expect, it} from 'vitest';
import {ROOT} from './helpers/cli.js';

const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: {name: string};
  cycle?: {name: string}[];
}

/** Runs depcruise on <cwd>/src as `npm run lint:deps` does and returns its violations. */
async function cruise(cwd: string): Promise<Violation[]> {
  // depcruise exits non-zero when it finds violations; the JSON on stdout is the answer either way.
  const out = await promisify(execFile)(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    maxBuffer: 64 << 20,
  }).catch((err: {stdout?: string}) => ({stdout: err.stdout ?? ''}));
  return (JSON.parse(out.stdout) as {summary: {violations: Violation[]}}).summary.violations;
}

/** 'rule: from → to'; a cycle as its members in order of name, whichever of them depcruise started from. */
function brief(v: Violation): string {
  if (!v.cycle) return `${v.rule.name}: ${v.from} → ${v.to}`;
  return `${v.rule.name}: ${[...new Set([v.from, ...v.cycle.map((c) => c.name)])].sort().join(' ↔ ')}`;
}

describe('import direction', () => {
  const fixture = mkdtempSync(path.join(os.tmpdir(), 'dlbench-arch-'));
  afterAll(() => rmSync(fixture, {recursive: true, force: true}));

  it('reports upward, same-floor (type-only), unplaced-folder imports and a cycle in a planted tree', async () => {
    const files: Record<string, string> = {
      // core reaching up into kernels, through a NodeNext '.js' specifier for a .ts file.
      'src/core/leaf.ts': "import {ops} from '../kernels/list.js';\nexport const count = ops.length;\n",
      'src/kernels/list.ts': 'export const ops = [1, 2];\n',
      // kernels reaching up into nets.
      'src/kernels/named.ts': "import {nets} from '../nets/defs.js';\nexport const first = nets[0];\n",
      'src/nets/defs.ts': "export const nets = ['alexnet'];\n",
      // measure and kernels share a floor; a type-only import counts.
      'src/measure/timer.ts': "import type {Op} from '../kernels/op.js';\nexport const name = (o: Op): string => o.name;\n",
      'src/kernels/op.ts': 'export interface Op {\n  name: string;\n}\n',
      'src/kernels/a.ts': "import {b} from './b.js';\nexport const a = (): number => b() + 1;\n",
      'src/kernels/b.ts': "import {a} from './a.js';\nexport const b = (): number => (a.length ? 0 : 1);\n",
      'src/nets/uses-misc.ts': "import {misc} from '../misc/misc.js';\nexport const m = misc;\n",
      'src/misc/misc.ts': 'export const misc = 1;\n',
      // Allowed: a floor importing the ones below it.
      'src/suite/plan.ts':
        "import {ops} from '../kernels/list.js';\nimport {count} from '../core/leaf.js';\nexport const n = ops.length + count;\n",
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(fixture, file)), {recursive: true});
      writeFileSync(path.join(fixture, file), text);
    }
    copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(fixture, 'tsconfig.json'));

    const found = (await cruise(fixture)).map(brief).sort();
    expect(found).toEqual([
      'core-imports-nothing: src/core/leaf.ts → src/kernels/list.ts',
      'folder-without-floor: src/nets/uses-misc.ts → src/misc/misc.ts',
      'no-circular: src/kernels/a.ts ↔ src/kernels/b.ts',
      'same-floor-from-measure: src/measure/timer.ts → src/kernels/op.ts',
      'upward-from-kernels: src/kernels/named.ts → src/nets/defs.ts',
    ]);
  });

  it('finds no violation in src/', async () => {
    const found = (await cruise(ROOT)).map(brief);
    expect(found).toEqual([]);
  });
});
