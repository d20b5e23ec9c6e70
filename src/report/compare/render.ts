// A comparison as text: the terminal table and the markdown for a step summary or PR comment.
import {makeTable} from '../cli-table.js';
import {fmtMs} from '../format.js';
import {mdTable, mdText} from '../export/markdown.js';
import type {CaseComparison, Comparison, Verdict} from './compare.js';

const MARK: Record<Verdict, string> = {
  pass: 'pass',
  regression: 'REGRESSION',
  improvement: 'improvement',
  inconclusive: 'inconclusive',
  failed: 'FAILED',
  calibration: 'calibration',
  missing: 'missing',
  new: 'new',
};
const EMOJI: Record<Verdict, string> = {
  pass: '✅',
  regression: '🔴',
  improvement: '🟢',
  inconclusive: '⚪',
  failed: '❌',
  calibration: '📏',
  missing: '➖',
  new: '🆕',
};

function pct(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  const d = (x - 1) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
}

function ci(c: CaseComparison): string {
  return c.ciLo === undefined ? '—' : `[${pct(c.ciLo)}, ${pct(c.ciHi)}]`;
}

function p(c: CaseComparison): string {
  return c.pValue === undefined ? '—' : c.pValue < 1e-4 ? '<1e-4' : c.pValue.toFixed(4);
}

/** Header and cells of the change columns: one 'change', or raw beside normalized. */
function changeHead(cmp: Comparison): string[] {
  return cmp.options.normalize ? ['raw change', 'normalized'] : ['change'];
}

function changeCells(cmp: Comparison, c: CaseComparison): string[] {
  return cmp.options.normalize ? [pct(c.rawRatio), pct(c.ratio)] : [pct(c.ratio)];
}

export function summaryLine(cmp: Comparison): string {
  const parts = (Object.keys(cmp.counts) as Verdict[]).filter((v) => cmp.counts[v] > 0).map((v) => `${cmp.counts[v]} ${v}`);
  const norm = cmp.options.normalize ? `, normalized by ${cmp.options.normalize}` : '';
  return `${cmp.failed ? 'FAIL' : 'PASS'}: ${parts.join(', ')} (threshold ${(cmp.options.threshold * 100).toFixed(0)}%, alpha ${cmp.options.alpha}${norm})`;
}

export function renderComparisonTable(cmp: Comparison, opts: {color?: boolean} = {}): string {
  const t = makeTable(
    ['case', 'baseline', 'current', ...changeHead(cmp), `${Math.round(cmp.options.level * 100)}% CI`, 'p', 'limit', 'verdict'],
    {
      color: opts.color,
      colAligns: ['left', 'right', 'right', ...changeHead(cmp).map(() => 'right' as const), 'right', 'right', 'right', 'left'],
    },
  );
  for (const c of cmp.cases) {
    t.push([
      c.key,
      c.baselineMedianMs === undefined ? '—' : fmtMs(c.baselineMedianMs),
      c.currentMedianMs === undefined ? '—' : fmtMs(c.currentMedianMs),
      ...changeCells(cmp, c),
      ci(c),
      p(c),
      `+${(c.threshold * 100).toFixed(0)}%`,
      MARK[c.verdict] + (c.reason && c.verdict !== 'pass' ? ` (${c.reason})` : ''),
    ]);
  }
  const notes = [methodNote(cmp), ...cmp.notes].filter((n): n is string => n !== undefined).map((n) => `note: ${n}`);
  return [`baseline ${cmp.baselineSource} → current ${cmp.currentSource}`, t.toString(), summaryLine(cmp), ...notes].join('\n');
}

/** How the CI and p were computed, when any case stands on per-process medians. */
function methodNote(cmp: Comparison): string | undefined {
  const n = cmp.cases.filter((c) => c.method === 'processes').length;
  if (n === 0) return undefined;
  return (
    `${n} case${n > 1 ? 's' : ''} judged between processes: ratio of the geometric means of the per-process medians, ` +
    `CI and p from Welch's t test on their logs (the others: bootstrap CI, Mann–Whitney U test on the samples).`
  );
}

export function renderComparisonMarkdown(cmp: Comparison): string {
  const rows = cmp.cases.map((c) => [
    `\`${c.key}\``,
    c.baselineMedianMs === undefined ? '—' : fmtMs(c.baselineMedianMs),
    c.currentMedianMs === undefined ? '—' : fmtMs(c.currentMedianMs),
    ...changeCells(cmp, c),
    ci(c),
    p(c),
    `+${(c.threshold * 100).toFixed(0)}%`,
    `${EMOJI[c.verdict]} ${c.verdict}${c.reason && c.verdict !== 'pass' ? ` — ${c.reason}` : ''}`,
  ]);
  return (
    [
      `## dlbench comparison`,
      '',
      `**${mdText(summaryLine(cmp))}**`,
      '',
      `Baseline ${mdText(cmp.baselineSource)}, current ${mdText(cmp.currentSource)}. ` +
        `Change is the ratio of median times${cmp.options.normalize ? `, raw and divided by the calibration case (the CI and p are the normalized ones); a verdict needs the raw and the normalized change to agree, else it is inconclusive` : ''}; ` +
        `a regression needs p < ${cmp.options.alpha} and the whole CI above the limit.`,
      '',
      ...[methodNote(cmp), ...cmp.notes].filter((n): n is string => n !== undefined).flatMap((n) => [`> ${mdText(n)}`, '']),
      mdTable(
        [
          'case',
          'baseline',
          'current',
          ...changeHead(cmp),
          `${Math.round(cmp.options.level * 100)}% CI`,
          'p',
          'limit',
          'verdict',
        ],
        rows,
        ['l', 'r', 'r', ...changeHead(cmp).map(() => 'r' as const), 'r', 'r', 'r', 'l'],
      ),
    ].join('\n') + '\n'
  );
}
