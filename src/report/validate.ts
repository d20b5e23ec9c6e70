// Reading results files back: JSON.parse, then the Report's TypeBox schema (core/results.ts, the
// one declaration of the file), so a truncated, hand-edited or foreign file is refused with one
// line naming the file and the first problem.
import {readFileSync} from 'node:fs';
import {TypeCompiler} from '@sinclair/typebox/compiler';
import {UsageError} from '../core/errors.js';
import {CASE_SCHEMA_BY_STATE, ReportEnvelopeSchema, SCHEMA_VERSION, type Report} from '../core/results.js';

const caseCheckers: Record<string, ReturnType<typeof TypeCompiler.Compile>> = Object.fromEntries(
  Object.entries(CASE_SCHEMA_BY_STATE).map(([k, s]) => [k, TypeCompiler.Compile(s)]),
);
const envelopeChecker = TypeCompiler.Compile(ReportEnvelopeSchema);

function firstProblem(checker: ReturnType<typeof TypeCompiler.Compile>, value: unknown, prefix = ''): string | undefined {
  // The compiled check is fast; the error iterator walks the value interpreted (seconds on a
  // million samples), so it only runs to name the problem of a value that failed.
  if (checker.Check(value)) return undefined;
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
    throw new UsageError(
      `${source}: not a dlbench results file (expected a JSON object with schemaVersion, context and results)`,
    );
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
    throw new UsageError(
      `${source}: schemaVersion ${version} was written by a newer dlbench; this one reads up to ${SCHEMA_VERSION}. Upgrade dlbench`,
    );
  }
  if (version < SCHEMA_VERSION) {
    // Version 1 is the first published schema: nothing older exists to migrate from. When the
    // schema moves to 2, a function here turns a version-1 object into a version-2 one.
    throw new UsageError(
      `${source}: schemaVersion ${version} is older than any this dlbench can read (${SCHEMA_VERSION}); rerun the benchmark to get a current file`,
    );
  }
  const envProblem = firstProblem(envelopeChecker, value);
  if (envProblem) throw new UsageError(`${source}: invalid results file at ${envProblem}`);
  const results = v.results as {state: string}[];
  for (let i = 0; i < results.length; i++) {
    const checker = caseCheckers[results[i].state];
    if (!checker) {
      throw new UsageError(
        `${source}: invalid results file at /results/${i}/state: '${results[i].state}' is not one of ${Object.keys(CASE_SCHEMA_BY_STATE).join(', ')}`,
      );
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
    throw new UsageError(
      `${file}: cannot read (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (code ?? 'error')})`,
    );
  }
  return parseReport(text, file);
}
