/**
 * Import direction for src/ (DESIGN.md, 'Layout'): imports only go down
 *   commands → cli → suite → report → nets → kernels, measure → native, webgpu → core
 * and two folders on the same floor must not import each other. src/index.ts is
 * the public API that re-exports from every floor, so it sits above all of them.
 *
 * Each rule is named for the folder whose import breaks the order, so a report
 * line reads 'upward-from-kernels: src/kernels/x.ts → src/report/y.ts'.
 */

/** Floors from the top down; a floor may import itself and any floor below it. */
const floors = [['commands'], ['cli'], ['suite'], ['report'], ['nets'], ['kernels', 'measure'], ['native', 'webgpu'], ['core']];

const dirs = (names) => `^src/(${names.join('|')})/`;

// Every floor between the top one (nothing above it) and core (its own rule, core-imports-nothing).
const upward = floors.slice(1, -1).flatMap((floor, i) => {
  const above = floors.slice(0, i + 1).flat();
  return floor.map((dir) => ({
    name: `upward-from-${dir}`,
    comment: `src/${dir}/ may import its own floor and the floors below it, not ${above.map((d) => `src/${d}/`).join(', ')}`,
    severity: 'error',
    from: {path: `^src/${dir}/`},
    to: {path: dirs(above)},
  }));
});

const sameFloor = floors.flatMap((floor) =>
  floor
    .map((dir) => ({dir, others: floor.filter((other) => other !== dir)}))
    .filter(({others}) => others.length > 0)
    .map(({dir, others}) => ({
      name: `same-floor-from-${dir}`,
      comment: `src/${dir}/ and ${others.map((o) => `src/${o}/`).join(', ')} share a floor and must not import each other`,
      severity: 'error',
      from: {path: `^src/${dir}/`},
      to: {path: dirs(others)},
    })),
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-nothing',
      comment: 'src/core/ holds types and helpers every floor uses; it imports nothing else of the project',
      severity: 'error',
      from: {path: '^src/core/'},
      to: {path: '^src/', pathNot: '^src/core/'},
    },
    ...upward,
    ...sameFloor,
    {
      name: 'folder-without-floor',
      comment: 'a new folder under src/ needs a floor in this file (and in DESIGN.md) before code imports it',
      severity: 'error',
      from: {},
      to: {path: '^src/', pathNot: [dirs(floors.flat()), '^src/index\\.ts$']},
    },
    {
      name: 'no-public-api-inside',
      comment: "src/index.ts is the package's entry; code inside src/ imports the module that defines a name",
      severity: 'error',
      from: {path: '^src/'},
      to: {path: '^src/index\\.ts$'},
    },
    {
      name: 'no-circular',
      comment: 'a cycle makes load order matter (half-initialised modules, registration by side effect)',
      severity: 'error',
      from: {},
      to: {circular: true},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    // Type-only imports are dependencies of the design too.
    tsPreCompilationDeps: true,
    // NodeNext sources import './x.js' for ./x.ts; with the tsconfig dependency-cruiser resolves
    // that to the .ts file.
    tsConfig: {fileName: 'tsconfig.json'},
    includeOnly: '^src/',
  },
};
