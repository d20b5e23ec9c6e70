// The roofs cache across calls of `dlbench machine`: a second call reads it, --refresh measures
// again. Three probe runs (about 15 s), so it runs with `npm run test:slow`; machine.test.ts
// checks one measurement, its cache file and how runs use it.
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';

const env = {XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'dlbench-cache-'))};

describe('dlbench machine cache', () => {
  it('a second call reads the cache; --refresh measures again', async () => {
    // --force: this runs on loaded CI machines, where the load check and sanity rules would refuse.
    const first = JSON.parse((await runCli(['machine', '--quick', '--force', '--json'], env)).stdout);
    expect(first.saved).toBe(true);
    const again = JSON.parse((await runCli(['machine', '--json'], env)).stdout);
    expect(again.cached).toBe(true);
    expect(again.measuredAt).toBe(first.measuredAt);
    const fresh = JSON.parse((await runCli(['machine', '--quick', '--refresh', '--force', '--json'], env)).stdout);
    expect(fresh.cached).toBe(false);
    expect(fresh.measuredAt).not.toBe(first.measuredAt);
  });
});
