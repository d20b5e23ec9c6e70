// Fault injection for seeing (and testing) what a wrong kernel looks like end to end:
// DLBENCH_INJECT_FAULT=<variant id or glob> adds 1 to a run of up to 64 output elements (the
// shape of a real tiling bug: a wrong row segment) of that variant's output
// before it is checked, so `run` shows a check-failed row and `verify` fails, exit 1.

export function faultTarget(env: NodeJS.ProcessEnv = process.env): RegExp | undefined {
  const spec = env.DLBENCH_INJECT_FAULT;
  if (!spec) return undefined;
  return new RegExp(`^${spec.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

function corrupt(x: Float32Array | Float64Array): void {
  const start = x.length >> 1;
  for (let i = start; i < Math.min(x.length, start + 64); i++) x[i] += 1;
}

export function maybeInjectFault(variantId: string, out: unknown): void {
  if (!faultTarget()?.test(variantId)) return;
  if (out instanceof Float32Array || out instanceof Float64Array) {
    corrupt(out);
  } else if (out && typeof out === 'object') {
    const first = Object.values(out).find((v) => v instanceof Float32Array || v instanceof Float64Array);
    if (first) corrupt(first);
  }
}
