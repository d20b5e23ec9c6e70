// How cases are named and matched across files: everything in a row that changes what was
// measured. op + variant + shape, the thread count when the row records one (a sweep runs the
// same variant at several), and for a layer of a network its place in the net and the run's
// activation layout. Used by compare, exporters, HTML charts and the pooling of repetitions.
// The GPU adapter lives in the file's context, not the row: two files from two adapters are
// the comparison itself, not two cases.
import type {CaseResult, OkCase} from '../core/results.js';

type KeyFields = Pick<CaseResult, 'op' | 'variant' | 'shapeText' | 'layer'> & {metrics?: CaseResult['metrics']};

export function caseKey(r: KeyFields): string {
  const v = r.variant.startsWith(`${r.op}/`) ? r.variant : `${r.op}:${r.variant}`;
  const t = r.metrics?.threads;
  const threads = typeof t === 'number' ? `/t${t}` : '';
  const layout = r.layer?.layout && r.layer.layout !== 'nchw' ? `.${r.layer.layout}` : '';
  const where = r.layer ? `#${r.layer.net}.${r.layer.index}${layout}` : '';
  return `${v}@${r.shapeText}${threads}${where}`;
}

/** Keys that occur more than once in one file, each once, in first-seen order. */
export function duplicateKeys(results: readonly CaseResult[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of results) {
    const k = caseKey(r);
    if (seen.has(k)) dup.add(k);
    seen.add(k);
  }
  return [...dup];
}

export function isOk(r: CaseResult): r is OkCase {
  return r.state === 'ok';
}

/** A finite number, or undefined (JSON stores NaN/Infinity as null). */
export function finite(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** Ops in first-seen order, so every exporter lists them as the run did. */
export function opsInOrder(results: readonly CaseResult[]): string[] {
  return [...new Set(results.map((r) => r.op))];
}

/** One line about the machine and the run, for headings. */
export function contextLine(ctx: {
  cpu?: {model?: string; cores?: number};
  runtime?: {node?: string};
  dlbench?: {version?: string; gitCommit?: string; gitDirty?: boolean};
  hostname?: string;
}): string {
  const parts = [
    ctx.cpu?.model ?? 'unknown CPU',
    ctx.cpu?.cores !== undefined ? `${ctx.cpu.cores} cores` : undefined,
    ctx.runtime?.node ? `Node ${ctx.runtime.node}` : undefined,
    ctx.dlbench?.version
      ? `dlbench ${ctx.dlbench.version}${ctx.dlbench.gitCommit ? ` (${ctx.dlbench.gitCommit.slice(0, 7)}${ctx.dlbench.gitDirty ? ', dirty' : ''})` : ''}`
      : undefined,
    ctx.hostname ? `host ${ctx.hostname}` : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}
