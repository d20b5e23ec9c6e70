// The self-contained HTML report: inline CSS, inline SVG charts rendered at report time, a few
// lines of inline script to sort tables. A Content-Security-Policy forbids every fetch, so a
// report that works here works offline, and allows only that one script (by its hash): markup
// smuggled in by a hostile results file cannot run, even if some text escaped escaping.
import {createHash} from 'node:crypto';
import {contextLine, finite, opsInOrder} from '../cases.js';
import type {Comparison} from '../compare/compare.js';
import {summaryLine} from '../compare/render.js';
import {fmtCi, fmtMs, fmtNum, fmtPct} from '../format.js';
import {medianCiOf} from '../../measure/stats.js';
import type {CaseResult} from '../../core/results.js';
import {comparisonChart, errorChart, gflopsChart, layerShareChart, rooflineChart, sideBySideChart} from './charts.js';
import {errorPoints, layerShares, measuredRoofs, okPoints, pointRoof, roofLines, type Source} from './data.js';
import {renderSvg} from './svg.js';

export function esc(s: unknown): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** An id safe in any attribute or URL fragment, whatever a results file holds: letters, digits, '-'. */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'x'
  );
}

interface Cell {
  text: string;
  /** Sort key when it differs from the text (numbers sort numerically). */
  sort?: number | string;
  cls?: string;
}

function table(head: string[], rows: Cell[][], cls = ''): string {
  const th = head.map((h) => `<th tabindex="0" scope="col">${esc(h)}</th>`).join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r
          .map((c) => {
            const v =
              c.sort === undefined || (typeof c.sort === 'number' && !Number.isFinite(c.sort)) ? '' : ` data-v="${esc(c.sort)}"`;
            const cls = [c.cls, typeof c.sort === 'number' ? 'num' : ''].filter(Boolean).join(' ');
            return `<td${v}${cls ? ` class="${cls}"` : ''}>${esc(c.text)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<div class="scroll"><table class="sortable ${cls}"><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table></div>`;
}

async function figure(id: string, spec: Parameters<typeof renderSvg>[0]): Promise<string> {
  return `<figure class="chart" data-chart="${esc(id)}">${await renderSvg(spec)}</figure>`;
}

const KNOWN_CONTEXT = new Set(['cpu', 'memory', 'os', 'runtime', 'dlbench', 'packages', 'hostname']);

function contextSection(s: Source): string {
  const c = s.report.context;
  const cfg = s.report.config;
  const dl = (pairs: [string, unknown][]): string =>
    `<dl>${pairs
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
      .join('')}</dl>`;
  const extras = Object.entries(c).filter(([k]) => !KNOWN_CONTEXT.has(k));
  return `<div class="ctx"><h3>${esc(s.label)}</h3>${dl([
    ['CPU', `${c.cpu.model} (${c.cpu.arch}, ${c.cpu.cores} cores, ${c.cpu.speedMHz} MHz)`],
    ['ISA flags', c.cpu.flags?.join(' ')],
    [
      'caches',
      Object.entries(c.cpu.caches ?? {})
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['memory', `${(c.memory.totalBytes / 2 ** 30).toFixed(1)} GiB`],
    ['OS', `${c.os.type} ${c.os.release} (${c.os.platform})`],
    ['runtime', `Node ${c.runtime.node}, V8 ${c.runtime.v8}`],
    [
      'dlbench',
      `${c.dlbench.version}${c.dlbench.gitCommit ? ` @ ${c.dlbench.gitCommit.slice(0, 12)}${c.dlbench.gitDirty ? ' (dirty)' : ''}` : ''}`,
    ],
    [
      'packages',
      Object.entries(c.packages ?? {})
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
    ['host', c.hostname],
    [
      'run',
      `${s.report.createdAt}${cfg.preset ? `, preset ${cfg.preset}` : ''}, seed ${cfg.seed}, ${cfg.threads} threads, ${cfg.timeBudgetMs} ms/case, ≥${cfg.minSamples} samples${s.report.interrupted ? ', INTERRUPTED (partial)' : ''}`,
    ],
  ])}${extras.map(([k, v]) => `<details><summary>${esc(k)}</summary><pre>${esc(JSON.stringify(v, null, 2))}</pre></details>`).join('')}</div>`;
}

function resultRow(r: CaseResult, s: Source, multi: boolean): Cell[] {
  const lead: Cell[] = multi ? [{text: s.label}] : [];
  const where = r.layer ? `${r.layer.net} #${r.layer.index} ${r.layer.name}` : r.shapeText;
  if (r.state === 'ok') {
    const roof = pointRoof(r, measuredRoofs(s), s.report.config.threads);
    const above = roof?.above ? ' ⚠ above measured roof: roof or timing suspect' : '';
    const median = finite(r.stats.medianMs) ?? NaN;
    const ci = medianCiOf(r);
    return [
      ...lead,
      {text: where, sort: r.layer ? r.layer.index : (finite(r.flops) ?? 0)},
      {text: r.variant},
      {text: r.backend},
      {text: fmtMs(median), sort: median},
      {
        text: fmtCi(median, ci) + (r.highSpread ? ' !' : ''),
        // Sorted by the interval's width relative to the median.
        sort: ci && median > 0 ? (ci.hi - ci.lo) / median : undefined,
      },
      {text: String(r.stats.samples), sort: r.stats.samples},
      {text: fmtNum(finite(r.gflops) ?? NaN), sort: finite(r.gflops)},
      {text: fmtNum(finite(r.ai) ?? NaN), sort: finite(r.ai)},
      {
        text: roof ? `${fmtPct(roof.pct)} ${roof.bound === 'memory' ? (roof.memoryLevel ?? 'mem') : 'cpu'}${above}` : '—',
        sort: roof?.pct ?? -1,
        cls: above ? 'bad' : '',
      },
      {text: `pass ${(finite(r.check.error) ?? 0).toExponential(1)}`, cls: 'ok'},
    ];
  }
  const why =
    r.state === 'skipped'
      ? `skipped: ${r.reason}`
      : r.state === 'errored'
        ? `error (${r.phase}): ${r.error}`
        : `check failed: ${r.check.detail ?? ''}`;
  return [
    ...lead,
    {text: where, sort: r.layer ? r.layer.index : (finite(r.flops) ?? 0)},
    {text: r.variant},
    {text: r.backend},
    {text: '—', sort: Infinity},
    {text: '—'},
    {text: '—'},
    {text: '—'},
    {text: fmtNum(finite(r.ai) ?? NaN), sort: finite(r.ai)},
    {text: '—'},
    {text: why, cls: r.state === 'skipped' ? 'skip' : 'bad'},
  ];
}

export interface HtmlOptions {
  sources: Source[];
  comparison?: Comparison;
  title?: string;
}

export async function renderHtml(opts: HtmlOptions): Promise<string> {
  const {sources, comparison} = opts;
  const multi = sources.length > 1;
  const points = okPoints(sources);
  const body: string[] = [];
  const toc: string[] = [];
  const ids = new Set<string>();
  // Ids come from a slug (numbered when two ops slug alike), never from file text as is.
  const section = (name: string, title: string, html: string): void => {
    let id = slug(name);
    for (let i = 2; ids.has(id); i++) id = `${slug(name)}-${i}`;
    ids.add(id);
    toc.push(`<a href="#${id}">${esc(title)}</a>`);
    body.push(`<section id="${id}"><h2>${esc(title)}</h2>${html}</section>`);
  };

  if (comparison) {
    const rows = comparison.cases.map((c): Cell[] => [
      {text: c.key},
      {text: c.baselineMedianMs === undefined ? '—' : fmtMs(c.baselineMedianMs), sort: c.baselineMedianMs},
      {text: c.currentMedianMs === undefined ? '—' : fmtMs(c.currentMedianMs), sort: c.currentMedianMs},
      {text: c.ratio === undefined ? '—' : `${((c.ratio - 1) * 100).toFixed(1)}%`, sort: c.ratio},
      {
        text: c.ciLo === undefined ? '—' : `[${((c.ciLo - 1) * 100).toFixed(1)}%, ${((c.ciHi! - 1) * 100).toFixed(1)}%]`,
        sort: c.ciLo,
      },
      {text: c.pValue === undefined ? '—' : c.pValue.toPrecision(2), sort: c.pValue},
      {text: `${(c.threshold * 100).toFixed(0)}%`, sort: c.threshold},
      {
        text: c.verdict + (c.reason && c.verdict !== 'pass' ? ` (${c.reason})` : ''),
        cls: c.verdict === 'regression' || c.verdict === 'failed' ? 'bad' : c.verdict === 'improvement' ? 'ok' : '',
      },
    ]);
    const chart = comparison.cases.some((c) => c.ratio !== undefined)
      ? await figure('comparison', comparisonChart(comparison.cases, comparison.options.threshold))
      : '';
    section(
      'comparison',
      'Comparison with the baseline',
      `<p class="${comparison.failed ? 'verdict bad' : 'verdict ok'}">${esc(summaryLine(comparison))}</p>` +
        `<p class="note">Baseline <code>${esc(comparison.baselineSource)}</code> → current <code>${esc(comparison.currentSource)}</code>. ` +
        `A regression needs a Mann–Whitney p below ${comparison.options.alpha} and the whole ${Math.round(comparison.options.level * 100)}% bootstrap CI of the time ratio above the limit.</p>` +
        chart +
        table(['case', 'baseline', 'current', 'change', 'CI', 'p (U test)', 'limit', 'verdict'], rows, 'cmp'),
    );
  }

  if (multi) {
    const keys = [...new Set(points.map((p) => p.key))];
    const rows = keys.map((k): Cell[] => {
      const first = points.find((p) => p.key === k && p.source === sources[0].label);
      return [
        {text: k},
        ...sources.flatMap((s): Cell[] => {
          const p = points.find((x) => x.key === k && x.source === s.label);
          if (!p) return [{text: '—'}, {text: '—'}];
          return [
            {text: fmtMs(p.medianMs), sort: p.medianMs},
            {
              text: first && s !== sources[0] ? `${fmtNum(first.medianMs / p.medianMs)}×` : fmtNum(p.gflops),
              sort: first ? first.medianMs / p.medianMs : p.gflops,
            },
          ];
        }),
      ];
    });
    const head = [
      'case',
      ...sources.flatMap((s, i) => [`${s.label} median`, i === 0 ? `${s.label} GFLOP/s` : `speed vs ${sources[0].label}`]),
    ];
    // The chart shows the cases measured in at least two files: those are the comparison.
    const shared = new Set(keys.filter((k) => new Set(points.filter((p) => p.key === k).map((p) => p.source)).size > 1));
    const chartPoints = shared.size ? points.filter((p) => shared.has(p.key)) : points;
    const note =
      shared.size && shared.size < keys.length
        ? `<p class="note">Chart: the ${shared.size} cases measured in more than one file; the table lists all ${keys.length}.</p>`
        : '';
    section(
      'side-by-side',
      'Files side by side',
      (chartPoints.length ? await figure('side-by-side', sideBySideChart(chartPoints)) : '') + note + table(head, rows),
    );
  }

  const ops = [...new Set(sources.flatMap((s) => opsInOrder(s.report.results)))];
  for (const op of ops) {
    const opPoints = points.filter((p) => p.op === op && p.net === undefined);
    const onlyLayers = !opPoints.length && points.some((p) => p.op === op);
    const chart = opPoints.length
      ? await figure(`gflops-${op}`, gflopsChart(op, opPoints, multi))
      : `<p class="note">${onlyLayers ? 'Only network layers measured: see the network section.' : 'No measured cases.'}</p>`;
    const rows = sources.flatMap((s) => s.report.results.filter((r) => r.op === op).map((r) => resultRow(r, s, multi)));
    const head = [
      ...(multi ? ['file'] : []),
      'shape / layer',
      'variant',
      'backend',
      'median',
      '95% CI',
      'samples',
      'GFLOP/s',
      'AI',
      '% of roof',
      'check',
    ];
    section(`op-${op}`, `${op}`, chart + table(head, rows));
  }

  const roofs = sources.flatMap(roofLines);
  if (points.length) {
    const note = roofs.length
      ? `<p class="note">Each kernel is judged against the roof that bounds it: the peak of the backend it ran on at its thread count, or the memory level its bytes live in between timed calls (a cache level moves reads and writes together, up to twice its read probe; DRAM is STREAM with its write-allocate traffic). A point above its roof means the roof or the timing is suspect, never that the kernel beat the hardware. See docs/reports-and-gate.md, "The roofline chart".</p>`
      : '<p class="note">No machine roofs in these files (the run context has no <code>roofs</code>; run <code>dlbench machine</code>); kernels are drawn without roofs.</p>';
    section('roofline', 'Roofline', note + (await figure('roofline', rooflineChart(points, roofs))));
  }

  const shares = layerShares(sources);
  if (shares.length) {
    const charts: string[] = [];
    for (const s of sources) {
      for (const net of [...new Set(shares.filter((x) => x.source === s.label).map((x) => x.net))]) {
        const rows = shares.filter((x) => x.source === s.label && x.net === net);
        const total = rows.reduce((t, r) => t + r.medianMs, 0);
        charts.push(
          await figure(
            `layers-${net}`,
            layerShareChart(`${net}: time share per layer (sum ${fmtMs(total)})${multi ? ` — ${s.label}` : ''}`, rows),
          ),
        );
      }
    }
    section('networks', 'Networks, layer by layer', charts.join(''));
  }

  const errs = errorPoints(sources);
  const errOps = [...new Set(errs.map((e) => e.op))];
  const svdWithout = ops.filter((o) => o === 'svd' && !errOps.includes(o));
  if (errOps.length || svdWithout.length) {
    const charts: string[] = [];
    for (const op of errOps)
      charts.push(
        await figure(
          `error-${op}`,
          errorChart(
            op,
            errs.filter((e) => e.op === op),
          ),
        ),
      );
    const note = svdWithout.length
      ? '<p class="note">svd cases carry no error metrics (relFrobError, orthogonality…) in these files.</p>'
      : '';
    section('accuracy', 'Accuracy against time', charts.join('') + note);
  }

  section('context', 'Run context', sources.map(contextSection).join(''));

  const title = opts.title ?? `dlbench report — ${sources.map((s) => s.label).join(', ')}`;
  const subtitle = sources.map((s) => `${esc(s.label)}: ${esc(contextLine(s.report.context))}`).join('<br>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '${SORT_SCRIPT_HASH}'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p class="sub">${subtitle}</p><nav>${toc.join(' · ')}</nav></header>
<main>${body.join('\n')}</main>
<footer>Generated by dlbench at ${esc(new Date().toISOString())}. Self-contained: no network needed. Click a column header to sort.</footer>
<script>${SORT_SCRIPT}</script></body></html>
`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f2937;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}
.sub{margin:0 0 8px;color:#cbd5e1;font-size:12px}nav a{color:#93c5fd;margin-right:4px}
main{padding:8px 24px;max-width:1200px}section{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:12px 16px;margin:16px 0}
h2{font-size:17px;margin:4px 0 10px}figure.chart{margin:8px 0;overflow-x:auto}
table{border-collapse:collapse;font-size:12.5px;margin:8px 0;width:100%}
th,td{border-bottom:1px solid #eee;padding:3px 8px;text-align:left;white-space:nowrap}td.num{text-align:right}
.scroll{overflow-x:auto}
th{background:#f3f4f6;cursor:pointer;user-select:none;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
td.bad{color:#b91c1c;font-weight:600;white-space:normal}td.ok{color:#15803d}td.skip{color:#6b7280;white-space:normal}
.verdict{font-weight:700;font-size:15px}.verdict.bad{color:#b91c1c}.verdict.ok{color:#15803d}
.note{color:#555;font-size:12.5px}.ctx{display:inline-block;vertical-align:top;min-width:340px;max-width:560px;margin-right:24px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:12.5px}dt{color:#555}dd{margin:0}
pre{font-size:11.5px;background:#f6f8fa;padding:6px;overflow-x:auto}footer{color:#777;font-size:12px;padding:8px 24px 24px}
`;

// Click or Enter on a header sorts by that column (numbers by data-v, text otherwise).
const SORT_SCRIPT = `
(function(){
  function val(tr,i){var c=tr.children[i];if(!c)return '';var v=c.hasAttribute('data-v')?c.getAttribute('data-v'):c.textContent;var n=Number(v);return v!==''&&!isNaN(n)?n:v;}
  function sort(th){
    var table=th.closest('table'),tbody=table.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th);
    var dir=th.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
    table.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort');});
    th.setAttribute('aria-sort',dir);
    var rows=Array.prototype.slice.call(tbody.rows);
    rows.sort(function(a,b){var x=val(a,i),y=val(b,i);var r=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y));return dir==='ascending'?r:-r;});
    rows.forEach(function(r){tbody.appendChild(r);});
  }
  document.querySelectorAll('table.sortable th').forEach(function(th){
    th.addEventListener('click',function(){sort(th);});
    th.addEventListener('keydown',function(e){if(e.key==='Enter')sort(th);});
  });
})();
`;

const SORT_SCRIPT_HASH = `sha256-${createHash('sha256').update(SORT_SCRIPT).digest('base64')}`;
