// The one list of text exporters: `run --export-<name>` and `report --format <name>` read it.
import {renderTables} from '../table.js';
import type {Report} from '../../core/results.js';
import {badFlag} from '../../core/errors.js';
import {toCsv} from './csv.js';
import {toGabBiggerIsBetter, toGabSmallerIsBetter} from './github-action-benchmark.js';
import {toGoogleBenchmark} from './google-benchmark.js';
import {toJson} from './json.js';
import {toMarkdown} from './markdown.js';

export interface Exporter {
  name: string;
  description: string;
  render(report: Report): string;
}

export const EXPORTERS: Exporter[] = [
  {name: 'table', description: 'the terminal table, plain text', render: (r) => renderTables(r, {color: false}) + '\n'},
  {name: 'json', description: 'the dlbench results file', render: toJson},
  {name: 'markdown', description: 'GitHub markdown (step summary, PR comment)', render: toMarkdown},
  {name: 'csv', description: 'one row per case', render: toCsv},
  {name: 'gbench', description: 'google/benchmark JSON (tools/compare.py reads it)', render: toGoogleBenchmark},
  {name: 'gab-smaller', description: "github-action-benchmark 'customSmallerIsBetter' (median ms)", render: toGabSmallerIsBetter},
  {name: 'gab-bigger', description: "github-action-benchmark 'customBiggerIsBetter' (GFLOP/s)", render: toGabBiggerIsBetter},
];

export const EXPORT_FORMATS = EXPORTERS.map((e) => e.name);

export function findExporter(name: string, flag: string): Exporter {
  const e = EXPORTERS.find((x) => x.name === name);
  if (!e) throw badFlag(flag, name, EXPORT_FORMATS.join(', '));
  return e;
}
