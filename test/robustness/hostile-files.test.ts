// Results files are input from anyone (a PR's artifact, a colleague's laptop): `dlbench report`
// must render a hostile one as inert text. Markup and script in every string field, formulas in
// CSV cells, and numbers no measurement can produce. The HTML is also opened in headless
// Chromium where one is installed (skipped, saying why, without it): no payload may run.
import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium, type Browser} from 'playwright-core';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {CaseResult} from '../../src/core/results.js';
import {toJson} from '../../src/report/export/json.js';
import {runCli} from '../helpers/cli.js';
import {makeReport, okCase, samples} from '../helpers/reports.js';

// Each payload marks the page if it ever runs: a global and the title.
const RUN = "window.__pwned=1;document.title='pwned'";
const IMG = `"><img src=x onerror="${RUN}">`;
const SCRIPT = `<script>${RUN}</script>`;
const FORMULA = "=cmd|' /C calc'!A0";

function hostileReport() {
  const rows: CaseResult[] = [
    okCase(`gemm${IMG}`, `gemm/blocked${SCRIPT}`, `64x64x64'><svg onload="${RUN}">`, samples(20, 1, 1)),
    okCase('gemm', FORMULA, '+1+1', samples(20, 1, 2)),
    {...okCase('gemm', '@SUM(A1:A9)', '-2+3', samples(20, 1, 3)), backend: '\t=1+1' as CaseResult['backend']},
    {
      ...okCase('conv2d', 'conv2d/direct', '1x1x8x8', samples(20, 1, 4)),
      state: 'skipped',
      reason: `no GPU ${SCRIPT}`,
    } as unknown as CaseResult,
  ];
  return makeReport(rows, {hostname: `host${IMG}`, injected: {note: SCRIPT}});
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'dlbench-hostile-'));
// The file name is shown as the report's label: a hostile name too (legal on Linux).
const file = path.join(dir, `r"><img src=x onerror=alert(1)>.json`);

beforeAll(() => {
  writeFileSync(file, toJson(hostileReport()));
});

describe('a hostile results file renders as text', () => {
  it('HTML: every string escaped, ids from a slug, no inline script allowed by the CSP', async () => {
    const html = path.join(dir, 'r.html');
    const res = await runCli(['report', file, '--html', html]);
    expect(res.stderr).toContain('report:');
    expect(res.code).toBe(0);
    const text = readFileSync(html, 'utf8');
    // Only the markup dlbench wrote: with text between tags and quoted attribute values taken
    // out, no element from the file and no event-handler attribute may be left.
    const tags = text.replace(/>[^<]*</g, '><').replace(/"[^"]*"/g, '""');
    expect(tags).not.toMatch(/<(img|iframe|object|embed)\b/i);
    expect(tags).not.toMatch(/\son[a-z]+\s*=/i);
    expect(text).not.toMatch(/<svg onload|<script>window/i);
    expect(text).toContain('&lt;img src=x onerror=');
    // The op's section: an id and a link made of letters, digits and dashes only.
    const opId = text.match(/<section id="(op-gemm[^"]*)"/)?.[1];
    expect(opId).toMatch(/^op-gemm-[a-z0-9-]+$/);
    expect(text).toContain(`href="#${opId}"`);
    const csp = text.match(/Content-Security-Policy" content="([^"]*)"/)?.[1] ?? '';
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    // The page has exactly one script element: its own.
    expect(text.match(/<script/g)).toHaveLength(1);
  });

  it('markdown: HTML from the file is escaped', async () => {
    const res = await runCli(['report', file, '--format', 'markdown']);
    expect(res.code).toBe(0);
    expect(res.stdout).not.toMatch(/<img|<script|<svg/i);
    expect(res.stdout).toContain('&lt;script&gt;');
    expect(res.stdout).toContain('### gemm"&gt;&lt;img');
  });

  it('compare --markdown: file names and case keys escaped', async () => {
    const other = path.join(dir, 'b<img src=x onerror=alert(2)>.json');
    writeFileSync(other, readFileSync(file));
    const md = path.join(dir, 'cmp.md');
    const res = await runCli(['compare', file, other, '--markdown', md]);
    expect(res.code, res.stderr).not.toBe(2);
    const text = readFileSync(md, 'utf8');
    expect(text).not.toMatch(/<img|<script|<svg/i);
    expect(text).toContain('b&lt;img src=x onerror=alert(2)&gt;.json');
  });

  it('CSV: cells a spreadsheet would run as formulas start with an apostrophe', async () => {
    const out = path.join(dir, 'r.csv');
    const res = await runCli(['report', file, '--format', 'csv', '-o', out]);
    expect(res.code).toBe(0);
    const lines = readFileSync(out, 'utf8').split('\n');
    const cells = lines.map((l) => l.split(','));
    expect(cells[2].slice(0, 4)).toEqual(['gemm', `"'=cmd|' /C calc'!A0"`.replace(/^"|"$/g, ''), 'js', "'+1+1"]);
    expect(cells[3].slice(0, 4)).toEqual(['gemm', "'@SUM(A1:A9)", "'\t=1+1", "'-2+3"]);
    // Numbers are numbers: nothing but the neutralized cells starts with an apostrophe.
    expect(lines.join('\n')).not.toMatch(/(^|,)[=+@\t]/m);
  });
});

describe('numbers no measurement can produce are refused (exit 2, naming the field)', () => {
  const cases: [string, (r: Record<string, any>) => void, RegExp][] = [
    ['a zero median', (r) => (r.stats.medianMs = 0), /stats\/medianMs/],
    ['a negative minimum', (r) => (r.stats.minMs = -1), /stats\/minMs/],
    ['zero samples', (r) => (r.stats.samples = 0), /stats\/samples/],
    ['a negative sample', (r) => (r.samplesMs[0] = -0.5), /samplesMs\/0/],
    ['a negative spread', (r) => (r.stats.iqrMs = -1), /stats\/iqrMs/],
  ];
  for (const [what, edit, where] of cases) {
    it(what, async () => {
      const report = makeReport([okCase('gemm', 'gemm/blocked', '64x64x64', samples(20, 1, 5))]);
      edit(report.results[0] as Record<string, any>);
      const f = path.join(dir, `bad-${what.replace(/\W+/g, '-')}.json`);
      writeFileSync(f, JSON.stringify(report));
      const res = await runCli(['report', f, '--format', 'table']);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(where);
    });
  }

  it('an infinite time (1e999 in the JSON)', async () => {
    const report = makeReport([okCase('gemm', 'gemm/blocked', '64x64x64', samples(20, 1, 6))]);
    const f = path.join(dir, 'bad-inf.json');
    writeFileSync(f, JSON.stringify(report).replace(/"medianMs":[0-9.e-]+/, '"medianMs":1e999'));
    const res = await runCli(['report', f, '--format', 'table']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/medianMs/);
  });
});

const CHROMIUM = process.env.DLBENCH_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`hostile-files.test: browser part SKIPPED, no browser at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!hasChromium)(
  `hostile HTML in headless Chromium${hasChromium ? '' : ` (skipped: no browser at ${CHROMIUM}; apt-get install chromium)`}`,
  () => {
    let browser: Browser;
    const html = path.join(dir, 'open.html');
    const tampered = path.join(dir, 'tampered.html');

    beforeAll(async () => {
      mkdirSync(dir, {recursive: true});
      const res = await runCli(['report', file, '--html', html]);
      expect(res.code).toBe(0);
      // The CSP on its own, as if some text had escaped escaping: raw markup spliced into the body.
      writeFileSync(
        tampered,
        readFileSync(html, 'utf8').replace('<main>', `<main><img src=x onerror="${RUN}"><script>${RUN}</script>`),
      );
      browser = await chromium.launch({executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu']});
    });

    afterAll(async () => {
      await browser?.close();
    });

    for (const [what, page] of [
      ['the report of a hostile file', () => html],
      ['a report with raw markup spliced in (CSP alone)', () => tampered],
    ] as const) {
      it(`${what}: no payload runs, the page's own sort script does`, async () => {
        const p = await browser.newPage();
        await p.goto(`file://${page()}`);
        await p.waitForLoadState('load');
        expect(await p.evaluate('typeof window.__pwned')).toBe('undefined');
        expect(await p.title()).not.toBe('pwned');
        if (page() === html) {
          // No element from the file made it into the DOM: no <img>, no event-handler attribute.
          expect(await p.$$eval('img', (x) => x.length)).toBe(0);
          // A string: the page's DOM types are not in this project's TypeScript libs.
          const handlers = await p.evaluate(
            "Array.from(document.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes, (a) => a.name)).filter((n) => n.startsWith('on'))",
          );
          expect(handlers).toEqual([]);
        }
        // The allowed script still works: a header click sorts.
        const th = p.locator('table.sortable th').first();
        await th.click();
        expect(await th.getAttribute('aria-sort')).toBe('ascending');
        await p.close();
      });
    }
  },
);
