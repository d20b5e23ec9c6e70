// Turns the user's choices (ops, variant patterns, sizes or a preset) into the list of cases,
// validating everything before any work starts: bad input fails here, with nothing written.
import os from 'node:os';
import {UsageError} from '../core/errors.js';
import {allOps as kernelOps, findOp as findKernelOp, isGlob, matchVariants} from '../kernels/registry.js';
import {expandSizeList} from '../core/sizes.js';
import type {KernelVariant, OpDefinition} from '../core/types.js';
import {withNetLayers} from '../nets/conv-layers.js';
import {fmtBytes} from '../report/format.js';

export interface PlanRequest {
  ops?: string[];
  variants?: string[];
  sizes?: string;
  preset?: string;
  /** Refuse more cases (variant × shape) than this; default DEFAULT_MAX_CASES. */
  maxCases?: number;
}

export interface PlannedCase {
  op: OpDefinition;
  shape: unknown;
  variants: KernelVariant[];
}

export interface Plan {
  preset?: string;
  cases: PlannedCase[];
  /** Ids the user named exactly: they run even past a variant's size limit. */
  forced: Set<string>;
}

export const DEFAULT_PRESET = 'quick';

// Sizes and presets may name network layers ('vgg16.conv3_1', --preset vgg16).
const allOps = (): OpDefinition[] => kernelOps().map(withNetLayers);
const findOp = (name: string): OpDefinition => withNetLayers(findKernelOp(name));

export function presetNames(): string[] {
  return [...new Set(allOps().flatMap((o) => Object.keys(o.presets)))];
}

/** The largest share of physical memory one case may ask for. */
export const MEMORY_FRACTION = 0.75;

export function assertFits(op: OpDefinition, shape: unknown, flag = '--size'): void {
  assertBytesFit(op.spec.memoryBytes(shape), `${op.name} ${op.spec.describe(shape)}`, flag);
}

/** `need` bytes for `what` against MEMORY_FRACTION of this machine's memory; bad input (exit 2) past it. */
export function assertBytesFit(need: number, what: string, flag: string): void {
  const limit = os.totalmem() * MEMORY_FRACTION;
  if (need > limit) {
    throw new UsageError(
      `${flag}: ${what} needs about ${fmtBytes(need)} of buffers; ` +
        `this machine allows ${fmtBytes(limit)} (${MEMORY_FRACTION * 100}% of ${fmtBytes(os.totalmem())}). Choose a smaller size.`,
    );
  }
}

/** Cases (variant × shape × thread count) one invocation may plan before --max-cases must say so. */
export const DEFAULT_MAX_CASES = 2000;

/** Refuses a plan larger than `max` cases before it starts: 48,000 cases would run for days without a word. */
export function assertCaseCount(count: number, max = DEFAULT_MAX_CASES): void {
  if (count > max)
    throw new UsageError(
      `--size: ${count} cases planned (variant × size × thread count), more than the limit of ${max}. ` +
        `Valid: fewer sizes or variants, or raise the limit with --max-cases ${count}`,
    );
}

export function buildPlan(req: PlanRequest): Plan {
  const chosenVariants = req.variants?.length ? matchVariants(req.variants) : undefined;
  let opDefs: OpDefinition[];
  if (req.ops?.length) {
    opDefs = req.ops.map((o) => findOp(o));
  } else if (chosenVariants) {
    opDefs = allOps().filter((o) => chosenVariants.some((v) => v.op === o.name));
  } else {
    opDefs = allOps();
  }
  if (chosenVariants && req.ops?.length) {
    const stray = chosenVariants.filter((v) => !opDefs.some((o) => o.name === v.op));
    if (stray.length)
      throw new UsageError(`--variant: ${stray.map((v) => v.id).join(', ')} is not an op chosen by --op ${req.ops.join(',')}`);
  }
  // --size '' is an empty list (refused by expandSizeList), not a request for the default preset.
  const preset = req.sizes !== undefined ? undefined : (req.preset ?? DEFAULT_PRESET);
  if (preset !== undefined && !presetNames().includes(preset)) {
    throw new UsageError(`--preset: unknown preset '${preset}'. Valid: ${presetNames().join(', ')}`);
  }
  const cases: PlannedCase[] = [];
  for (const op of opDefs) {
    const variants = chosenVariants ? chosenVariants.filter((v) => v.op === op.name) : op.variants;
    if (variants.length === 0) continue;
    const shapes = req.sizes !== undefined ? expandSizeList(req.sizes).map((t) => op.parseShape(t)) : (op.presets[preset!] ?? []);
    // Two equal sizes would give two rows with one case key, which compare refuses: refuse here.
    const texts = shapes.map((sh) => op.spec.describe(sh));
    const twice = texts.filter((t, i) => texts.indexOf(t) !== i);
    if (req.sizes !== undefined && twice.length)
      throw new UsageError(
        `--size: ${listSome([...new Set(twice)])} given more than once in '${clip(req.sizes)}'. Valid: each size once`,
      );
    for (const shape of shapes) {
      assertFits(op, shape);
      // A variant that cannot compute this shape at all (Winograd on 5×5) is left out unless named.
      const fit = variants.filter((v) => (v.supports?.(shape).ok ?? true) || (req.variants ?? []).includes(v.id));
      if (fit.length) cases.push({op, shape, variants: fit});
    }
  }
  if (cases.length === 0) {
    throw new UsageError(
      `--preset: '${preset}' has no cases for ${opDefs.map((o) => o.name).join(', ')}. Valid: ${presetNames().join(', ')}`,
    );
  }
  assertCaseCount(
    cases.reduce((n, c) => n + c.variants.length, 0),
    req.maxCases,
  );
  const forced = new Set((req.variants ?? []).filter((p) => !isGlob(p)));
  return {preset, cases, forced};
}

/** At most five items and a count of the rest: a one-line error stays one line for 1,000 sizes. */
function listSome(items: string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
}

function clip(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 77)}...`;
}
