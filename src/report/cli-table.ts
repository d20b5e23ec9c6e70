// cli-table3 with the house style: compact rows, colour only on a terminal.
import Table from 'cli-table3';

export function makeTable(
  head: string[],
  opts: {color?: boolean; colAligns?: ('left' | 'right' | 'center')[]} = {},
): Table.Table {
  return new Table({
    head,
    // cli-table3 indexes colAligns for every cell: an explicit undefined crashes it.
    ...(opts.colAligns ? {colAligns: opts.colAligns} : {}),
    chars: {mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''},
    style: opts.color ? {} : {head: [], border: []},
  });
}
