// `dlbench machine`: a cache folder it cannot make is refused at once, before the probes. Under /proc,
// Node 20's recursive mkdirSync never returned: the folder is made one level at a time instead.
import {badInputTable} from './table.js';

badInputTable('dlbench machine: bad input', [
  {
    args: ['machine', '--quick', '--refresh'],
    env: {XDG_CACHE_HOME: '/proc/dlbench-test'},
    message: /XDG_CACHE_HOME: cannot write '\/proc\/dlbench-test\/dlbench\//,
  },
]);
