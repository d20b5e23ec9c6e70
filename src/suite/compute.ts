// The validating core of the programmatic `compute` and `open`: a caller's shape goes through the
// CLI's own parser (same defaults, same rules), then the variant's supports() and available(),
// then the inputs are checked against the shape, so a misuse throws instead of returning wrong numbers.
import {UsageError} from '../core/errors.js';
import type {KernelVariant, OpDefinition} from '../core/types.js';
import {conv, convSizes} from '../kernels/conv2d/spec.js';
import {findOp, findVariant} from '../kernels/registry.js';
import {svdShape} from '../kernels/svd/index.js';
import {releaseWebGpu} from '../webgpu/device.js';

export type DlbenchErrorCode = 'unknown-variant' | 'bad-shape' | 'unsupported-shape' | 'unavailable' | 'bad-inputs' | 'closed';

/** Bad input to the API; `code` says which check refused it. A UsageError, so the CLI's exit 2 too. */
export class DlbenchUsageError extends UsageError {
  constructor(
    readonly code: DlbenchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DlbenchUsageError';
  }
}

/** The seed `dlbench run` uses; an SVD input without one (the randomized sketch's) gets it. */
const DEFAULT_SEED = 42;
const LAYOUTS = ['nchw', 'nhwc'];

type Fields = Record<string, unknown>;

/** Drops undefined fields (they take the defaults); strings are case-insensitive, as in a size token. */
function definedFields(shape: Fields): Fields {
  return Object.fromEntries(
    Object.entries(shape)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' ? v.toLowerCase() : v]),
  );
}

/** A size token's suffix can only say -nchw or -nhwc; an object's layout is held to the same. */
function checkLayout(f: Fields): Fields {
  if (f.layout !== undefined && !LAYOUTS.includes(f.layout as string))
    throw new DlbenchUsageError('bad-shape', `shape.layout: invalid value '${String(f.layout)}'. Valid: NCHW, NHWC`);
  return f;
}

/** The op's defaults for the fields a caller may leave out (conv: stride, pad, dilation…; svd: p, q…). */
function withDefaults(op: OpDefinition, f: Fields): Fields {
  if (op.name === 'conv2d') return conv(f as Parameters<typeof conv>[0]) as unknown as Fields;
  if (op.name === 'layer' && f.kind === 'maxpool' && (f.size === undefined || f.stride === undefined)) {
    // 'maxpool:' without <size>s<stride> is the parser's default window; ask it rather than copy it.
    const d = op.parseShape('maxpool:1x1x8x8') as Fields;
    return {size: d.size, stride: d.stride, ...f};
  }
  if (op.name === 'svd') return {...f, ...svdShape(f.m as number, f.n as number, f as Parameters<typeof svdShape>[2])};
  return f;
}

/**
 * A shape object (or a size token, as on the command line) → the op's full shape, read back
 * through the CLI parser so every rule of `--size` applies; unknown fields are refused.
 */
export function normalizeShape(op: OpDefinition, shape: unknown): unknown {
  const reparse = (token: string): unknown => {
    try {
      return op.parseShape(token);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      throw new DlbenchUsageError('bad-shape', err.message.replace(/^--size:/, 'shape:'));
    }
  };
  if (typeof shape === 'string') return reparse(shape);
  if (shape === null || typeof shape !== 'object')
    throw new DlbenchUsageError('bad-shape', `shape: expected an object or a size token, got ${String(shape)}`);
  const given = checkLayout(definedFields(shape as Fields));
  const parsed = reparse(op.spec.describe(withDefaults(op, given))) as Fields;
  const unknown = Object.keys(given).filter((k) => !(k in parsed) && k !== 'layout');
  if (unknown.length > 0)
    throw new DlbenchUsageError(
      'bad-shape',
      `shape: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for ${op.name}. Valid: ${Object.keys(parsed).join(', ')}`,
    );
  for (const [k, v] of Object.entries(given)) {
    if (parsed[k] !== v && !(k === 'layout' && parsed[k] === undefined && v === 'nchw'))
      throw new DlbenchUsageError('bad-shape', `shape.${k}: invalid value '${String(v)}' for ${op.name}`);
  }
  return parsed;
}

type ArrayType = Float32ArrayConstructor | Float64ArrayConstructor;
interface Expected {
  length: number;
  type: ArrayType;
  optional?: boolean;
}

/** The arrays an op's inputs must hold for this shape: lengths from the spec, never from the data. */
function expectedInputs(op: OpDefinition, p: Fields): Record<string, Expected> {
  const n = (k: string): number => p[k] as number;
  switch (op.name) {
    case 'gemm':
      return {a: {length: n('m') * n('k'), type: Float32Array}, b: {length: n('k') * n('n'), type: Float32Array}};
    case 'conv2d': {
      const c = p as unknown as Parameters<typeof convSizes.input>[0];
      return {
        x: {length: convSizes.input(c), type: Float32Array},
        w: {length: convSizes.weights(c), type: Float32Array},
        bias: {length: c.k, type: Float32Array, optional: true},
      };
    }
    case 'svd':
      return {a: {length: n('m') * n('n'), type: p.dtype === 'f64' ? Float64Array : Float32Array}};
    default: {
      // Layers: the spec's own generator says which arrays, how long (small shapes: cheap).
      const ref = op.spec.makeInputs(p, 0) as Record<string, unknown>;
      const out: Record<string, Expected> = {};
      for (const [k, v] of Object.entries(ref))
        if (v instanceof Float32Array || v instanceof Float64Array) out[k] = {length: v.length, type: v.constructor as ArrayType};
      return out;
    }
  }
}

/** Checks every array against the shape; returns the inputs the variant takes (SVD gets its seed). */
export function checkInputs(op: OpDefinition, p: unknown, inputs: unknown): unknown {
  if (inputs === null || typeof inputs !== 'object')
    throw new DlbenchUsageError('bad-inputs', `inputs: expected an object of typed arrays, got ${String(inputs)}`);
  const given = inputs as Fields;
  const shapeText = op.spec.describe(p);
  for (const [k, e] of Object.entries(expectedInputs(op, p as Fields))) {
    const v = given[k];
    if (v === undefined && e.optional) continue;
    if (!(v instanceof e.type))
      throw new DlbenchUsageError(
        'bad-inputs',
        `inputs.${k}: expected a ${e.type.name} of ${e.length} values for ${op.name} ${shapeText}`,
      );
    if (v.length !== e.length)
      throw new DlbenchUsageError(
        'bad-inputs',
        `inputs.${k}: has ${v.length} values; ${op.name} ${shapeText} needs exactly ${e.length}`,
      );
  }
  if (op.name === 'svd') {
    const seed = given.seed ?? DEFAULT_SEED;
    if (!Number.isInteger(seed))
      throw new DlbenchUsageError('bad-inputs', `inputs.seed: expected an integer, got ${String(seed)}`);
    return {sigma: new Float64Array(0), ...given, seed};
  }
  return inputs;
}

export interface Resolved {
  variant: KernelVariant;
  op: OpDefinition;
  shape: unknown;
}

/** The variant, its normalized shape, checked against supports() and available() (after init). */
export async function resolve(variantId: string, shape: unknown, threads: number): Promise<Resolved> {
  let variant: KernelVariant;
  try {
    variant = findVariant(variantId, 'variantId');
  } catch (err) {
    throw new DlbenchUsageError('unknown-variant', (err as Error).message);
  }
  const op = findOp(variant.op);
  const p = normalizeShape(op, shape);
  const s = variant.supports?.(p);
  if (s && !s.ok)
    throw new DlbenchUsageError('unsupported-shape', `${variant.id} cannot compute ${op.spec.describe(p)}: ${s.reason}`);
  await variant.init?.();
  const a = variant.available({threads});
  if (!a.ok) throw new DlbenchUsageError('unavailable', `${variant.id} is unavailable: ${a.reason}`);
  return {variant, op, shape: p};
}

/** A variant prepared once, run many times; re-prepared only when the inputs' contents change. */
export class PreparedKernel<O = unknown> {
  private state: unknown;
  private prepared?: Map<string, Float32Array | Float64Array>;
  private preparedOther?: Fields;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** How many times prepare ran (a pool or a GPU pipeline set up): 1 while the inputs are unchanged. */
  prepares = 0;

  constructor(
    private readonly r: Resolved,
    private readonly threads: number,
  ) {}

  get variant(): string {
    return this.r.variant.id;
  }

  /** The full shape, defaults filled in, as the variant sees it. */
  get shape(): unknown {
    return this.r.shape;
  }

  /** Runs on these inputs; calls on one handle run one at a time, in call order. */
  run(inputs: unknown): Promise<O> {
    const r = this.queue.then(() => this.runNow(inputs));
    this.queue = r.catch(() => {});
    return r;
  }

  private async runNow(inputs: unknown): Promise<O> {
    if (this.closed) throw new DlbenchUsageError('closed', `${this.r.variant.id}: run() after close()`);
    const checked = checkInputs(this.r.op, this.r.shape, inputs) as Fields;
    if (!this.sameAsPrepared(checked)) {
      await this.release();
      // A private copy: some variants read their inputs at prepare (shared memory, GPU upload,
      // packing), so the state must not see the caller's later edits, and reuse must compare contents.
      const copy = new Map<string, Float32Array | Float64Array>();
      const other: Fields = {};
      for (const [k, v] of Object.entries(checked)) {
        if (v instanceof Float32Array || v instanceof Float64Array) copy.set(k, v.slice());
        else other[k] = v;
      }
      this.state = await this.r.variant.prepare(this.r.shape, {...other, ...Object.fromEntries(copy)}, {threads: this.threads});
      this.prepared = copy;
      this.preparedOther = other;
      this.prepares++;
    }
    return (await this.r.variant.run(this.state)) as O;
  }

  /** Waits for pending runs, then disposes the state (and releases a WebGPU variant's device). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    try {
      await this.release();
    } finally {
      // A held GPU device would keep the caller's process alive.
      if (this.r.variant.backend === 'webgpu') releaseWebGpu();
    }
  }

  private sameAsPrepared(inputs: Fields): boolean {
    if (!this.prepared || !this.preparedOther) return false;
    for (const [k, v] of Object.entries(inputs)) {
      if (v instanceof Float32Array || v instanceof Float64Array) {
        const mine = this.prepared.get(k);
        if (!mine || mine.length !== v.length) return false;
        for (let i = 0; i < v.length; i++) if (!Object.is(mine[i], v[i])) return false;
      } else if (!Object.is(this.preparedOther[k], v)) return false;
    }
    return Object.keys(inputs).length === this.prepared.size + Object.keys(this.preparedOther).length;
  }

  private async release(): Promise<void> {
    if (this.prepared === undefined) return;
    const s = this.state;
    this.state = undefined;
    this.prepared = undefined;
    this.preparedOther = undefined;
    await this.r.variant.dispose?.(s);
  }
}
