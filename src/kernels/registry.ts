// Lookups over the op definitions: the one list that list, run, verify and the tests read.
import {ops} from './index.js';
import {UsageError} from '../core/errors.js';
import type {KernelVariant, OpDefinition} from '../core/types.js';

export function allOps(): OpDefinition[] {
  return ops;
}

export function allVariants(): KernelVariant[] {
  return ops.flatMap((o) => o.variants);
}

export function findOp(name: string, flag = '--op'): OpDefinition {
  const op = ops.find((o) => o.name === name);
  if (!op) throw new UsageError(`${flag}: unknown op '${name}'. Valid: ${ops.map((o) => o.name).join(', ')}`);
  return op;
}

export function findVariant(id: string, flag = '--variant'): KernelVariant {
  const v = allVariants().find((x) => x.id === id);
  if (!v)
    throw new UsageError(
      `${flag}: unknown variant '${id}'. Valid: ${allVariants()
        .map((x) => x.id)
        .join(', ')}`,
    );
  return v;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** Variants matching any pattern (exact ids or globs such as 'gemm/*'), in ladder order. */
export function matchVariants(patterns: readonly string[], flag = '--variant'): KernelVariant[] {
  const all = allVariants();
  const picked = new Set<KernelVariant>();
  for (const pat of patterns) {
    const re = globToRegExp(pat);
    const hits = all.filter((v) => re.test(v.id));
    if (hits.length === 0) {
      throw new UsageError(
        `${flag}: '${pat}' matches no variant. Valid: ${all.map((v) => v.id).join(', ')} (globs like 'gemm/*' allowed)`,
      );
    }
    for (const h of hits) picked.add(h);
  }
  return all.filter((v) => picked.has(v));
}
