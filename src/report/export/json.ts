// The results file itself: pretty-printed, newline-terminated (what `run --out` writes).
import type {Report} from '../../core/results.js';

export function toJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
