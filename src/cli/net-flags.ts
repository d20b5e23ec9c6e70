// Flag parsers of `dlbench net` that are not the network's own (--layout and --lowrank live in nets/).
import {UsageError} from '../core/errors.js';
import {parsePositiveInt} from '../core/sizes.js';

/** --batch: '1' or '1,8,32' → unique batch sizes in the order given. */
export function parseBatches(text: string): number[] {
  const parts = text.split(',').map((t) => t.trim());
  if (parts.some((t) => t === ''))
    throw new UsageError(`--batch: empty entry in '${text}'. Valid: a batch size or a list, e.g. 1,8,32`);
  const out = parts.map((t) => {
    if (!/^\d+$/.test(t) || Number(t) < 1)
      throw new UsageError(`--batch: '${t}' is not a positive integer. Valid: a batch size or a list, e.g. 1,8,32`);
    return parsePositiveInt(t, '--batch');
  });
  return [...new Set(out)];
}
