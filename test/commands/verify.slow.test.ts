// `dlbench verify` over every GEMM variant on every edge shape: the whole ladder end to end through
// the CLI (about half a minute), so it runs with `npm run test:slow`; the conformance tests cover
// each variant's kernels in-process in `npm test`.
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';

describe('dlbench verify', () => {
  it('passes every available variant on the edge shapes', async () => {
    const r = await runCli(['verify', '--op', 'gemm', '--json']);
    expect(r.code).toBe(0);
    const {rows, failed} = JSON.parse(r.stdout);
    expect(failed).toBe(0);
    const shapes = new Set(rows.map((x: {shapeText: string}) => x.shapeText));
    for (const s of ['1x1x1', '64x64x1', '1000x3x17', '301x263x257']) expect(shapes.has(s)).toBe(true);
  });
});
