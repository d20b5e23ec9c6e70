// The compare/gate config file (JSON), checked like results files are: thresholds in percent,
// per-case thresholds keyed by case-key globs, and the calibration case. Flags override it.
import {readFileSync} from 'node:fs';
import {Type} from '@sinclair/typebox';
import {TypeCompiler} from '@sinclair/typebox/compiler';
import {UsageError} from '../../core/errors.js';
import type {CompareOptions} from './compare.js';

const Pct = Type.Number({exclusiveMinimum: 0, maximum: 1000});
const ConfigSchema = Type.Object(
  {
    threshold: Type.Optional(Pct),
    thresholds: Type.Optional(Type.Record(Type.String({minLength: 1}), Pct)),
    normalize: Type.Optional(Type.String({minLength: 1})),
    alpha: Type.Optional(Type.Number({exclusiveMinimum: 0, exclusiveMaximum: 1})),
    minSamples: Type.Optional(Type.Integer({minimum: 2})),
    refuseUnderLoad: Type.Optional(Type.Boolean()),
  },
  {additionalProperties: false},
);
const checker = TypeCompiler.Compile(ConfigSchema);

export const CONFIG_KEYS = Object.keys(ConfigSchema.properties);

export function readCompareConfig(file: string, flag = '--config'): Partial<CompareOptions> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`${flag}: cannot read '${file}': ${e.code === 'ENOENT' ? 'no such file' : e.message.split('\n')[0]}`);
  }
  const err = checker.Errors(value).First();
  if (err)
    throw new UsageError(
      `${flag}: '${file}' at ${err.path || '/'}: ${err.message}. Valid keys: ${CONFIG_KEYS.join(', ')} (thresholds in percent)`,
    );
  const c = value as {
    threshold?: number;
    thresholds?: Record<string, number>;
    normalize?: string;
    alpha?: number;
    minSamples?: number;
    refuseUnderLoad?: boolean;
  };
  return {
    ...(c.threshold !== undefined ? {threshold: c.threshold / 100} : {}),
    ...(c.thresholds ? {thresholds: Object.entries(c.thresholds).map(([k, v]): [string, number] => [k, v / 100])} : {}),
    ...(c.normalize ? {normalize: c.normalize} : {}),
    ...(c.alpha !== undefined ? {alpha: c.alpha} : {}),
    ...(c.minSamples !== undefined ? {minSamples: c.minSamples} : {}),
    ...(c.refuseUnderLoad !== undefined ? {refuseUnderLoad: c.refuseUnderLoad} : {}),
  };
}

/** '10', '10%' or '12.5' → 0.1, 0.1, 0.125 (percent, as the flag's help says). */
export function parsePercent(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const v = m ? Number(m[1]) : NaN;
  if (!(v > 0 && v <= 1000))
    throw new UsageError(`${flag}: invalid value '${text}'. Valid: a percentage above 0, e.g. 10 or 10%`);
  return v / 100;
}
