// Reading results files back: JSON.parse, then a TypeBox schema of the Report, so a truncated,
// hand-edited or foreign file is refused with one line naming the file and the first problem.
// The schema is deliberately open: unknown ops, backends, context keys and extra optional fields
// (metrics, layer, roof, whatever a newer rung adds) pass; what every reader relies on is checked.
import {readFileSync} from 'node:fs';
import {Type, type TSchema} from '@sinclair/typebox';
import {TypeCompiler} from '@sinclair/typebox/compiler';
import {UsageError} from '../core/errors.js';
import {SCHEMA_VERSION, type Report} from './schema.js';

// JSON.stringify writes NaN and ±Infinity as null (a failed check's error, an infinite rate):
// measured quantities may be null on disk and readers must treat them as "not a number".
const Num = Type.Union([Type.Number(), Type.Null()]);
const Scalar = Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]);

const Check = Type.Object({pass: Type.Boolean(), method: Type.String(), error: Num, tolerance: Num, detail: Type.Optional(Type.String())});

const Stats = Type.Object({
  samples: Type.Integer({minimum: 0}),
  medianMs: Num, meanMs: Num, minMs: Num, maxMs: Num, p25Ms: Num, p75Ms: Num, p99Ms: Num,
  iqrMs: Num, madMs: Num, sdMs: Num, rmePct: Num, relSpread: Num,
});

const Layer = Type.Object({
  net: Type.String(), index: Type.Number(), name: Type.String(), type: Type.String(),
  outputShape: Type.Array(Type.Number()), params: Type.Number(), activationBytes: Type.Number(),
});

const Roof = Type.Object({
  peakGflops: Num, attainableGflops: Num, pctOfPeak: Num,
  bound: Type.String(), aboveRoof: Type.Boolean(),
  memoryLevel: Type.Optional(Type.Union([Type.Literal('L1'), Type.Literal('L2'), Type.Literal('L3'), Type.Literal('DRAM')])),
});

const base = {
  op: Type.String({minLength: 1}),
  variant: Type.String({minLength: 1}),
  backend: Type.String(),
  params: Type.Record(Type.String(), Scalar),
  shape: Type.Record(Type.String(), Scalar),
  shapeText: Type.String(),
  seed: Type.Number(),
  inputDistribution: Type.String(),
  flops: Num, macs: Num, bytes: Num, ai: Num,
  layer: Type.Optional(Layer),
  metrics: Type.Optional(Type.Record(Type.String(), Scalar)),
};

const OkCase = Type.Object({
  ...base,
  state: Type.Literal('ok'),
  check: Check,
  stats: Stats,
  gflops: Num,
  prepareMs: Num,
  firstCallMs: Num,
  highSpread: Type.Boolean(),
  samplesMs: Type.Array(Type.Number()),
  roof: Type.Optional(Roof),
});
const SkippedCase = Type.Object({...base, state: Type.Literal('skipped'), reason: Type.String()});
const CheckFailedCase = Type.Object({...base, state: Type.Literal('check-failed'), check: Check, firstCallMs: Num});
const ErroredCase = Type.Object({...base, state: Type.Literal('errored'), phase: Type.String(), error: Type.String()});

const CASE_BY_STATE: Record<string, TSchema> = {ok: OkCase, skipped: SkippedCase, 'check-failed': CheckFailedCase, errored: ErroredCase};
const caseCheckers = Object.fromEntries(Object.entries(CASE_BY_STATE).map(([k, s]) => [k, TypeCompiler.Compile(s)]));

const Context = Type.Object({
  cpu: Type.Object({model: Type.String(), cores: Type.Number(), speedMHz: Type.Number(), arch: Type.String(), caches: Type.Record(Type.String(), Type.String())}),
  memory: Type.Object({totalBytes: Type.Number()}),
  os: Type.Object({platform: Type.String(), release: Type.String(), type: Type.String()}),
  runtime: Type.Object({node: Type.String(), v8: Type.String()}),
  dlbench: Type.Object({version: Type.String()}),
  packages: Type.Record(Type.String(), Type.String()),
  hostname: Type.String(),
});

const Envelope = Type.Object({
  schemaVersion: Type.Literal(SCHEMA_VERSION),
  tool: Type.Literal('dlbench'),
  createdAt: Type.String(),
  interrupted: Type.Boolean(),
  context: Context,
  config: Type.Object({seed: Type.Number(), threads: Type.Number(), timeBudgetMs: Type.Number(), minSamples: Type.Number()}),
  results: Type.Array(Type.Object({state: Type.String()})),
});
const envelopeChecker = TypeCompiler.Compile(Envelope);

/** The JSON Schema (draft-07 compatible) of one results file's envelope, for other tools. */
export const reportEnvelopeSchema = Envelope;

function firstProblem(checker: ReturnType<typeof TypeCompiler.Compile>, value: unknown, prefix = ''): string | undefined {
  const err = checker.Errors(value).First();
  if (!err) return undefined;
  const where = `${prefix}${err.path}` || '/';
  return `${where}: ${err.message}`;
}

/**
 * Checks a parsed value and returns it as a Report, or throws an Error with the first problem
 * (a JSON pointer and what was expected). `source` names the file in the message.
 */
export function validateReport(value: unknown, source: string): Report {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${source}: not a dlbench results file (expected a JSON object with schemaVersion, context and results)`);
  }
  const v = value as Record<string, unknown>;
  if (v.tool !== undefined && v.tool !== 'dlbench') {
    throw new UsageError(`${source}: not a dlbench results file (tool is '${String(v.tool)}')`);
  }
  const version = v.schemaVersion;
  if (typeof version !== 'number') {
    throw new UsageError(`${source}: not a dlbench results file (no numeric schemaVersion)`);
  }
  if (version > SCHEMA_VERSION) {
    throw new UsageError(`${source}: schemaVersion ${version} was written by a newer dlbench; this one reads up to ${SCHEMA_VERSION}. Upgrade dlbench`);
  }
  if (version < SCHEMA_VERSION) {
    // Version 1 is the first published schema: nothing older exists to migrate from. When the
    // schema moves to 2, a function here turns a version-1 object into a version-2 one.
    throw new UsageError(`${source}: schemaVersion ${version} is older than any this dlbench can read (${SCHEMA_VERSION}); rerun the benchmark to get a current file`);
  }
  const envProblem = firstProblem(envelopeChecker, value);
  if (envProblem) throw new UsageError(`${source}: invalid results file at ${envProblem}`);
  const results = v.results as {state: string}[];
  for (let i = 0; i < results.length; i++) {
    const checker = caseCheckers[results[i].state];
    if (!checker) {
      throw new UsageError(`${source}: invalid results file at /results/${i}/state: '${results[i].state}' is not one of ${Object.keys(CASE_BY_STATE).join(', ')}`);
    }
    const problem = firstProblem(checker, results[i], `/results/${i}`);
    if (problem) throw new UsageError(`${source}: invalid results file at ${problem}`);
  }
  return value as Report;
}

/** Parses JSON text; a syntax error (often a truncated file) names the file and the position. */
export function parseReport(text: string, source: string): Report {
  let value: unknown;
  if (text.trim() === '') throw new UsageError(`${source}: empty file, not a dlbench results file`);
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw new UsageError(`${source}: not valid JSON (truncated or malformed?): ${msg}`);
  }
  return validateReport(value, source);
}

export function readReport(file: string): Report {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code ?? 'error'})`);
  }
  return parseReport(text, file);
}
