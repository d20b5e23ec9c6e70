// Size limits for the slow GPU rungs on software adapters (lavapipe runs them on the CPU at a
// few hundred MFLOP/s): skipped with a reason unless the user names the variant exactly.
import type {Availability} from '../core/types.js';
import {onSoftwareAdapter} from './device.js';

export function softwareMacLimit(maxMacs: number, what: string): (macs: number) => Availability {
  return (macs) =>
    onSoftwareAdapter() && macs > maxMacs
      ? {ok: false, reason: `${what} above ${maxMacs} MACs is slow on a software adapter; name it with --variant to force`}
      : {ok: true};
}
