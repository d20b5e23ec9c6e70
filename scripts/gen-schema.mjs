// Writes schema/results.schema.json from the TypeBox declaration of the results file
// (src/core/results.ts, compiled to dist/ by `npm run build`). The file is committed so other
// tools can validate dlbench output without dlbench; test/core/results.test.ts fails if it drifts.
import {mkdirSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {resultsJsonSchemaText} from '../dist/core/results.js';

const out = fileURLToPath(new URL('../schema/results.schema.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('../schema/', import.meta.url)), {recursive: true});
writeFileSync(out, resultsJsonSchemaText());
console.log(`wrote ${out}`);
