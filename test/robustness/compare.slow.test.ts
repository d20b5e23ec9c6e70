// `dlbench compare` and `dlbench report`: unreadable or unusable results files refused with exit 2.
import {gemmReport, makeReport, okCase, samples} from '../helpers/reports.js';
import {badInputTable} from './table.js';

const base = JSON.stringify(gemmReport(1));
const other = JSON.stringify(makeReport([okCase('gemm', 'gemm/blocked', '32x32x32', samples(20, 1, 3))]));

badInputTable('dlbench compare: bad input', [
  {
    args: ['compare', 'bad.json', 'base.json'],
    files: {'bad.json': '{not json', 'base.json': base},
    message: /bad.json: not valid JSON/,
  },
  {args: ['compare', 'base.json', 'missing.json'], files: {'base.json': base}, message: /missing.json: cannot read/},
  {
    args: ['compare', 'base.json', 'other.json'],
    files: {'base.json': base, 'other.json': other},
    message: /other.json: no cases in common with base.json/,
  },
  {
    args: ['compare', 'base.json', 'cur.json', '--normalize', 'gemm/nope'],
    files: {'base.json': base, 'cur.json': base},
    message: /--normalize: 'gemm\/nope' is not a case in both files/,
  },
  {
    args: ['compare', 'base.json', 'cur.json', '--threshold', 'x'],
    files: {'base.json': base, 'cur.json': base},
    message: /--threshold/,
  },
]);

badInputTable('dlbench report: bad input', [
  {args: ['report', 'bad.json', '--format', 'table'], files: {'bad.json': '{not json'}, message: /bad.json: not valid JSON/},
  {args: ['report', 'missing.json', '--format', 'table'], message: /missing.json: cannot read/},
  {args: ['report', 'base.json', '--format', 'nope'], files: {'base.json': base}, message: /--format/},
]);
