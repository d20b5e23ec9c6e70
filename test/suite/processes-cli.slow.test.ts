// `run --processes` through the real CLI with two child processes (pooled samples, one median per
// process, Ctrl-C passed on to the child): about 13 s, so it runs with `npm run test:slow`;
// processes.test.ts covers pooling and the canary in-process.
import {mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {OkCase} from '../../src/core/results.js';
import {runCli, startCli, waitForOutput} from '../helpers/cli.js';

describe('run --processes (the CLI)', () => {
  const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'dlbench-processes-test-'));
  const variants = ['run', '-v', 'gemm/naive-ijk', '-v', 'gemm/blocked', '--time', '5', '--min-samples', '5'];
  const tiny = [...variants, '--size', '16'];

  it('runs each process fresh and records the pooled samples, per-process medians and the canary', async () => {
    const out = path.join(tmp(), 'p2.json');
    const r = await runCli([...tiny, '--processes', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/gemm\/blocked/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.config.processes).toBe(2);
    expect(report.interrupted).toBe(false);
    expect(report.results).toHaveLength(2);
    for (const row of report.results) {
      expect(row.state).toBe('ok');
      // A process whose clock canary moved during a case (a loaded machine) is left out of it and counted.
      expect(row.processMediansMs.length + (row.machine.movedProcesses ?? 0)).toBe(2);
      expect(row.processMediansMs.length).toBeGreaterThanOrEqual(1);
      expect(row.samplesMs.length).toBe(row.stats.samples);
      expect(row.samplesMs.length).toBeGreaterThanOrEqual(5 * row.processMediansMs.length);
      expect(row.machine.canaryBeforeNs).toBeGreaterThan(0);
      expect(typeof row.machine.clockMoved).toBe('boolean');
    }
  });

  it('passes Ctrl-C on to the running process: finished cases saved, exit 130', async () => {
    const out = path.join(tmp(), 'int.json');
    const {child, done} = startCli([...variants, '--size', '16,256', '--processes', '2', '--out', out], {
      DLBENCH_READY_LINE: '1',
    });
    // The second process has started its second case: the first process and one case of this one are done.
    await waitForOutput(child, /dlbench: started 2\/4 \[process 2\/2\]/);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.interrupted).toBe(true);
    const first = report.results.find((x: OkCase) => x.variant === 'gemm/naive-ijk' && x.shapeText === '16x16x16');
    // Both processes finished it; one whose clock canary moved there is left out and counted.
    expect(first.processMediansMs.length + (first.machine?.movedProcesses ?? 0)).toBe(2);
    expect(report.results.length).toBeLessThanOrEqual(4);
  });
});
