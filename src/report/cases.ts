// How cases are named and matched across files: op + variant + shape (+ the layer's place in its
// network, where two layers of one net can share a shape). Used by compare, exporters and HTML.
import type {CaseResult, OkCase} from '../core/results.js';

export function caseKey(r: Pick<CaseResult, 'op' | 'variant' | 'shapeText' | 'layer'>): string {
  const v = r.variant.startsWith(`${r.op}/`) ? r.variant : `${r.op}:${r.variant}`;
  const where = r.layer ? `#${r.layer.net}.${r.layer.index}` : '';
  return `${v}@${r.shapeText}${where}`;
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
