// The HTML report in a real browser: Debian's chromium driven by playwright-core. It must open
// with no console errors and no network request, draw every chart, and sort its tables.
// A screenshot is kept in test-artifacts/ (git-ignored). Skipped, saying why, without chromium.
import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {chromium, type Browser} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {toJson} from '../../../src/report/export/json.js';
import {fullReport, gemmReport} from '../../helpers/reports.js';
import {ROOT, runCli} from '../../helpers/cli.js';

const CHROMIUM = process.env.DLBENCH_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
if (!hasChromium) console.warn(`html-browser.test: SKIPPED, no browser at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);

it('has a browser in CI (.ci/run installs chromium), so the tests below run there', () => {
  if (process.env.CI === 'true') expect(hasChromium, `CI=true but no browser at ${CHROMIUM}`).toBe(true);
});

describe.skipIf(!hasChromium)(
  `HTML report in headless Chromium${hasChromium ? '' : ` (skipped: no browser at ${CHROMIUM}; apt-get install chromium)`}`,
  () => {
    let browser: Browser;
    const html = path.join(ARTIFACTS, 'report.html');

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, {recursive: true});
      const dir = path.join(ARTIFACTS, 'inputs');
      mkdirSync(dir, {recursive: true});
      // A run with every kind of row (GEMM, conv2d, SVD with metrics, a network, roofs), a second
      // machine's run side by side, and a baseline with a 20% slowdown to show.
      writeFileSync(path.join(dir, 'full.json'), toJson(fullReport()));
      writeFileSync(path.join(dir, 'machine-b.json'), toJson(gemmReport(77, {machine: 1.3})));
      const base = fullReport();
      for (const r of base.results)
        if (r.state === 'ok' && r.variant === 'gemm/blocked') r.samplesMs = r.samplesMs.map((x) => x / 1.2);
      writeFileSync(path.join(dir, 'baseline.json'), toJson(base));
      const res = await runCli([
        'report',
        path.join(dir, 'full.json'),
        path.join(dir, 'machine-b.json'),
        '--html',
        html,
        '--baseline',
        path.join(dir, 'baseline.json'),
      ]);
      expect(res.stderr).toContain('report:');
      expect(res.code).toBe(0);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--disable-sync',
        ],
      });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('opens offline with no console errors, every chart drawn and every table present', async () => {
      const page = await browser.newPage({viewport: {width: 1280, height: 900}});
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (r) => {
        if (!r.url().startsWith('file://')) requests.push(r.url());
      });
      await page.goto(`file://${html}`);
      await page.waitForLoadState('load');

      const charts = await page.$$eval('figure.chart', (fs) =>
        fs.map((f) => ({
          id: f.getAttribute('data-chart'),
          marks: f.querySelectorAll('svg path, svg line, svg rect, svg circle').length,
          w:
            (f.querySelector('svg') as unknown as {getBoundingClientRect(): {width: number}} | null)?.getBoundingClientRect()
              .width ?? 0,
        })),
      );
      const ids = charts.map((c) => c.id);
      for (const id of [
        'comparison',
        'side-by-side',
        'gflops-gemm',
        'gflops-conv2d',
        'gflops-svd',
        'roofline',
        'layers-alexnet',
        'error-svd',
      ])
        expect(ids).toContain(id);
      for (const c of charts) {
        expect(c.w, `${c.id} has a size`).toBeGreaterThan(100);
        expect(c.marks, `${c.id} has marks`).toBeGreaterThan(5);
      }
      expect(await page.$$eval('table.sortable', (t) => t.length)).toBeGreaterThanOrEqual(6);
      expect(await page.textContent('#comparison .verdict')).toMatch(/^FAIL: .*regression/);
      expect(await page.textContent('#context')).toContain('Test CPU');

      mkdirSync(ARTIFACTS, {recursive: true});
      await page.screenshot({path: path.join(ARTIFACTS, 'report.png'), fullPage: true});
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    });

    it('draws a readable roofline: roofs named in words with values, points coloured by variant, each with a tooltip', async () => {
      const page = await browser.newPage({viewport: {width: 1280, height: 900}});
      await page.goto(`file://${html}`);
      const fig = page.locator('figure[data-chart="roofline"]');
      const labels = await fig.locator('svg text').allTextContents();
      // The roofs that bound the plotted kernels, in words, with their values: the JS rows' 1-thread
      // V8 peak and the native row's AVX-512 FP32 peak at the run's 2 threads, and the memory levels.
      expect(labels).toContain('JS (V8 scalar) peak, 1 thread: 4.00 GFLOP/s');
      expect(labels).toContain('AVX-512 FP32 FMA peak, 2 threads: 190 GFLOP/s');
      expect(labels.filter((t) => /^(L1|L2|L3|DRAM), 2 threads: [\d.]+ GB\/s$/.test(t)).length).toBeGreaterThanOrEqual(2);
      // Only roofs that bound a plotted kernel: no AVX2 row was run, so no AVX2 roof; no internal keys.
      expect(labels.join(' ')).not.toMatch(/AVX2|gflops|GBs|compute\.\d/);
      // Every point: a colour and shape per variant, and a tooltip naming variant, shape, GFLOP/s, AI and its roof.
      const points = await fig.locator('path[aria-roledescription="point"]').evaluateAll((ps) =>
        ps.map((p) => ({
          fill: p.getAttribute('fill'),
          d: p.getAttribute('d'),
          title: p.querySelector('title')?.textContent ?? '',
        })),
      );
      expect(points.length).toBeGreaterThan(10);
      const variantOf = (t: string): string => t.split('\n')[0].replace(/ \(.*\)$/, '');
      const looks = new Map<string, Set<string>>();
      for (const p of points) {
        expect(p.title).toMatch(
          /^\S+.*\nshape .+\n[\d.]+ GFLOP\/s at AI [\d.]+ FLOPs\/byte\n(\d.*% of its roof: .+|no measured roof.*)$/,
        );
        const key = variantOf(p.title);
        looks.set(key, (looks.get(key) ?? new Set()).add(`${p.fill} ${p.d?.slice(0, 12)}`));
      }
      // One look per variant, and no two variants alike.
      for (const [v, l] of looks) expect(l.size, v).toBe(1);
      const all = [...looks.values()].map((l) => [...l][0]);
      expect(new Set(all).size).toBe(looks.size);
      expect(points.some((p) => /% of its roof: AVX-512 FP32 FMA peak, 2 threads \(190 GFLOP\/s\)/.test(p.title))).toBe(true);
      // The legend fits the page: nothing to scroll sideways at 1280 px.
      const overflow = await fig.evaluate((f) => f.scrollWidth - f.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      mkdirSync(ARTIFACTS, {recursive: true});
      await fig.screenshot({path: path.join(ARTIFACTS, 'roofline.png')});
      await page.close();
    });

    it('sorts a table by a numeric column when its header is clicked', async () => {
      const page = await browser.newPage();
      await page.goto(`file://${html}`);
      const table = page.locator('#op-gemm table');
      const col = await table.locator('th').allTextContents();
      const idx = col.indexOf('median');
      const values = async (): Promise<number[]> =>
        (
          await table
            .locator(`tbody tr td:nth-child(${idx + 1})`)
            .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v') ?? NaN)))
        ).filter((x) => Number.isFinite(x));
      await table.locator('th').nth(idx).click();
      expect(await table.locator('th').nth(idx).getAttribute('aria-sort')).toBe('ascending');
      const up = await values();
      expect(up.length).toBeGreaterThan(5);
      expect(up).toEqual([...up].sort((a, b) => a - b));
      await table.locator('th').nth(idx).click();
      const down = await values();
      expect(down).toEqual([...up].sort((a, b) => b - a));
      await page.close();
    });
  },
);
