// Size syntax shared by every op: a comma list of tokens; a token is a number, a product of
// dimensions (256x512x1024), or a range lo..hi with a step (+64) or a factor (*2).
import {UsageError} from './errors.js';

export const SIZE_SYNTAX = "N, MxNxK, lists '256,512', ranges '64..1024*2' or '64..512+64'";

export function parsePositiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new UsageError(`${flag}: '${text}' is not a positive integer. Valid: ${SIZE_SYNTAX}`);
  }
  const v = Number(text.trim());
  if (!Number.isSafeInteger(v) || v < 1) {
    throw new UsageError(`${flag}: '${text}' must be at least 1. Valid: ${SIZE_SYNTAX}`);
  }
  return v;
}

/** Expands '64..1024*2' → 64,128,…,1024 and '64..256+64' → 64,128,192,256; other tokens pass. */
export function expandSizeList(text: string, flag = '--size'): string[] {
  const tokens = text.split(',').map((t) => t.trim());
  if (tokens.some((t) => t === '')) {
    throw new UsageError(`${flag}: empty entry in '${text}'. Valid: ${SIZE_SYNTAX}`);
  }
  const out: string[] = [];
  for (const tok of tokens) {
    const m = /^(\d+)\.\.(\d+)(?:([*+])(\d+))?$/.exec(tok);
    if (!m) {
      if (tok.includes('..')) throw new UsageError(`${flag}: malformed range '${tok}'. Valid: ${SIZE_SYNTAX}`);
      out.push(tok);
      continue;
    }
    const lo = parsePositiveInt(m[1], flag);
    const hi = parsePositiveInt(m[2], flag);
    const op = m[3] ?? '*';
    const step = m[4] === undefined ? 2 : parsePositiveInt(m[4], flag);
    if (hi < lo) throw new UsageError(`${flag}: range '${tok}' ends before it starts. Valid: ${SIZE_SYNTAX}`);
    if (op === '*' && step < 2)
      throw new UsageError(`${flag}: range '${tok}' needs a factor of at least 2. Valid: ${SIZE_SYNTAX}`);
    let count = 0;
    for (let v = lo; v <= hi; v = op === '*' ? v * step : v + step) {
      if (++count > 1000) throw new UsageError(`${flag}: range '${tok}' has more than 1000 sizes`);
      out.push(String(v));
    }
  }
  return out;
}

/** Splits '256x512x1024' into positive integers, requiring 1 or `arity` dims. */
export function parseDims(token: string, arity: number, flag = '--size', syntax = SIZE_SYNTAX): number[] {
  const parts = token.toLowerCase().split('x');
  if (parts.length !== 1 && parts.length !== arity) {
    throw new UsageError(`${flag}: '${token}' needs 1 or ${arity} dimensions. Valid: ${syntax}`);
  }
  const dims = parts.map((p) => parsePositiveInt(p, flag));
  return dims.length === 1 ? Array(arity).fill(dims[0]) : dims;
}
