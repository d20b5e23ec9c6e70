// The README's ladder table is documentation users read first: it must name every variant.
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {allVariants} from '../src/kernels/registry.js';
import {ROOT} from './helpers/cli.js';

describe('README', () => {
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
  it('names every registry variant', () => {
    const missing = allVariants().map((v) => v.id).filter((id) => !readme.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });
  it('shows the two fresh-machine commands', () => {
    expect(readme).toContain('npm install && npx dlbench run');
    expect(readme).toContain('npm test');
  });
});
