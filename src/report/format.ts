// Number formatting shared by the terminal tables, the text exporters and error messages.

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1e-3) return `${(ms * 1e6).toFixed(0)} ns`;
  if (ms < 1) return `${(ms * 1e3).toFixed(ms < 0.01 ? 2 : 1)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 3 : ms < 100 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function fmtNum(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const mag = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, digits - 1 - mag);
  return x.toFixed(Math.min(decimals, 6));
}

export function fmtPct(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return `${x.toFixed(x < 10 ? 1 : 0)}%`;
}

export function fmtBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${b.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A median's interval relative to it: '-1.2/+3.4%' (each end's distance from the median). */
export function fmtCi(medianMs: number, ci: {lo: number; hi: number} | undefined): string {
  if (!ci || !(medianMs > 0) || !Number.isFinite(ci.lo) || !Number.isFinite(ci.hi)) return '—';
  const rel = (x: number, zero: '-' | '+'): string => {
    const p = (x / medianMs - 1) * 100;
    const text = Math.abs(p).toFixed(Math.abs(p) < 10 ? 1 : 0);
    return `${Number(text) === 0 ? zero : p < 0 ? '-' : '+'}${text}`;
  };
  return `${rel(ci.lo, '-')}/${rel(ci.hi, '+')}%`;
}
