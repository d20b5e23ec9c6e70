#!/usr/bin/env bash
# EXPERIMENT: does the gate stay quiet on reruns of the same build and catch a real slowdown?
# Against the committed baseline (bench/baseline-ci.json):
#   same-N:   10 reruns of this build, as .ci/run runs it (--preset ci --repetitions 3 --time 100)
#   single-N: 10 reruns in one pass at the default time budget (--preset ci)
#   slow-N:   10 runs where gemm/blocked does ~20% more real work (bench/experiments/slowed-run.ts)
# each compared at the default settings (10%, raw medians) and with bench/gate.json (normalized).
# Usage: bash bench/experiments/gate-experiment.sh [out-dir]   (needs `npm run build` first)
set -uo pipefail
cd "$(dirname "$0")/../.."
D=${1:-$(mktemp -d)}
mkdir -p "$D"
BASE=bench/baseline-ci.json
cmp() { # name file
  node bin/run.js compare "$BASE" "$2" --json > "$D/$1.default.json" || true
  node bin/run.js compare "$BASE" "$2" --thresholds bench/gate.json --json > "$D/$1.gate.json" || true
}
for i in $(seq 1 10); do
  node bin/run.js run --preset ci --repetitions 3 --time 100 --out "$D/same-$i.json" > /dev/null && cmp "same-$i" "$D/same-$i.json"
  node bin/run.js run --preset ci --out "$D/single-$i.json" > /dev/null && cmp "single-$i" "$D/single-$i.json"
  npx tsx bench/experiments/slowed-run.ts "$D/slow-$i.json" 3 100 2> /dev/null && cmp "slow-$i" "$D/slow-$i.json"
  echo "round $i done ($(cut -d' ' -f1-3 /proc/loadavg) load)"
done
node -e '
const fs = require("fs"), d = process.argv[1];
for (const series of ["same", "single", "slow"]) for (const mode of ["default", "gate"]) {
  let regress = 0, runs = 0, flaggedRuns = 0; const changes = {};
  for (let i = 1; i <= 10; i++) {
    const f = `${d}/${series}-${i}.${mode}.json`; if (!fs.existsSync(f)) continue;
    const c = JSON.parse(fs.readFileSync(f, "utf8")); runs++;
    regress += c.counts.regression; if (c.counts.regression) flaggedRuns++;
    for (const x of c.cases) if (x.ratio !== undefined) (changes[x.key] ??= []).push(((x.ratio - 1) * 100).toFixed(1) + (x.verdict === "regression" ? "R" : ""));
  }
  console.log(`${series} ${mode}: ${runs} runs, ${flaggedRuns} with a regression, ${regress} regressed cases in all`);
  for (const [k, v] of Object.entries(changes)) console.log(`   ${k.padEnd(30)} ${v.join(" ")}`);
}' "$D"
