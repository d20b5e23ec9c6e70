// Table-driven bad-input tests: each row is a command line that must be refused before anything is
// measured, with exit 2, one line on stderr naming the flag, nothing on stdout and no file written.
// Every row fails in argument checking, so each spawn is short.
import {mkdtempSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runCli} from '../helpers/cli.js';

export interface BadInput {
  args: string[];
  /** What the one error line must say (the flag and the valid range or choices). */
  message: RegExp;
  /** Files to create in the working folder first (a baseline, a malformed JSON file). */
  files?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

/** Files (not folders) under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((f) => statSync(path.join(dir, f)).isFile());
}

export function badInputTable(title: string, rows: BadInput[]): void {
  describe(title, () => {
    it.each(rows.map((r) => [r.args.map((a) => (a === '' ? "''" : a)).join(' '), r] as const))(
      '%s → exit 2',
      async (_name, row) => {
        const cwd = mkdtempSync(path.join(os.tmpdir(), 'dlbench-robust-'));
        for (const [name, text] of Object.entries(row.files ?? {})) writeFileSync(path.join(cwd, name), text);
        const r = await runCli(row.args, row.env, cwd);
        expect(r.stderr).toMatch(row.message);
        expect(r.code).toBe(2);
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^Error: /);
        expect(r.stdout).toBe('');
        // Refused before measuring: no results file (nor any other) left behind.
        expect(filesUnder(cwd).sort()).toEqual(Object.keys(row.files ?? {}).sort());
      },
      30_000,
    );
  });
}
