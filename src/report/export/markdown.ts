// GitHub-flavoured markdown: for $GITHUB_STEP_SUMMARY and PR comments. One table per op, the
// failures spelled out, the machine in one line.
import {contextLine, finite, opsInOrder} from '../cases.js';
import {fmtCi, fmtMs, fmtNum, fmtPct} from '../format.js';
import {medianCiOf} from '../../measure/stats.js';
import type {CaseResult, Report} from '../../core/results.js';

/** Escapes HTML, which GitHub markdown would otherwise pass through (text from a results file is untrusted). */
export function mdText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes what would break a table cell, and HTML. */
export function mdCell(s: string): string {
  return mdText(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function mdTable(head: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = head.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head.map(mdCell)), line(sep), ...rows.map((r) => line(r.map(mdCell)))].join('\n');
}

function row(r: CaseResult): string[] {
  const label = r.layer ? `${r.layer.net} #${r.layer.index} ${r.layer.name}` : r.shapeText;
  if (r.state === 'ok') {
    const spread = r.highSpread ? ' ⚠' : '';
    return [
      label,
      `\`${r.variant}\``,
      fmtMs(r.stats.medianMs),
      fmtCi(r.stats.medianMs, medianCiOf(r)) + spread,
      fmtNum(finite(r.gflops) ?? NaN),
      r.roof ? fmtPct(r.roof.pctOfPeak) + (r.roof.aboveRoof ? ' ⚠ above measured roof: roof or timing suspect' : '') : '—',
      `✅ ${(finite(r.check.error) ?? 0).toExponential(1)}`,
    ];
  }
  const why =
    r.state === 'skipped'
      ? `skipped: ${r.reason}`
      : r.state === 'errored'
        ? `❌ error (${r.phase}): ${r.error}`
        : `❌ check failed: ${r.check.detail ?? `error ${r.check.error} > ${r.check.tolerance}`}`;
  return [label, `\`${r.variant}\``, '—', '—', '—', '—', why];
}

export function toMarkdown(report: Report): string {
  const out = [
    `## dlbench results`,
    '',
    mdText(
      `${contextLine(report.context)} · ${report.createdAt}${report.config.preset ? ` · preset \`${report.config.preset}\`` : ''}`,
    ).replace(/\r?\n/g, ' '),
  ];
  if (report.interrupted) out.push('', '> **Interrupted**: partial results.');
  for (const op of opsInOrder(report.results)) {
    const rows = report.results.filter((r) => r.op === op);
    out.push(
      '',
      `### ${mdText(op).replace(/\r?\n/g, ' ')}`,
      '',
      mdTable(['shape', 'variant', 'median', '95% CI', 'GFLOP/s', '% of peak', 'check'], rows.map(row), [
        'l',
        'l',
        'r',
        'r',
        'r',
        'r',
        'l',
      ]),
    );
  }
  const bad = report.results.filter((r) => r.state === 'check-failed' || r.state === 'errored').length;
  out.push('', bad ? `**${bad} case(s) failed their check or errored.**` : `${report.results.length} case(s); none failed.`);
  return out.join('\n') + '\n';
}
