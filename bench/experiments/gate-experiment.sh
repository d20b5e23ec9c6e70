#!/usr/bin/env bash
# EXPERIMENT: does the gate stay quiet on reruns of the same build and catch a real slowdown?
# Without --processes, against the committed baseline (bench/baseline-ci.json):
#   same-N:   reruns of this build, as .ci/run ran it before --processes (--preset ci --repetitions 3 --time 100)
#   single-N: reruns in one pass at the default time budget (--preset ci)
#   slow-N:   runs where gemm/blocked does ~20% more real work (bench/experiments/slowed-run.ts)
# With --processes N, a baseline of N processes is recorded first (the committed one has one
# process, so it cannot say how far processes spread), then:
#   same-N:   reruns with --processes N (every rung of the ci preset, native ones included)
#   slow-N:   gemm/blocked +20%, N processes
#   native-N: gemm/native and gemm/openblas at 512³ (a call takes ≥ 1 ms), against a baseline of the same
# each compared at the default settings (10%) and with bench/gate.json (normalized; not native-N).
# Usage: bash bench/experiments/gate-experiment.sh [--processes N] [--rounds R] [out-dir]   (needs `npm run build` first)
set -uo pipefail
cd "$(dirname "$0")/../.."
PROCS=1
ROUNDS=10
while [ $# -gt 0 ]; do
  case "$1" in
    --processes) PROCS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    *) break ;;
  esac
done
D=${1:-$(mktemp -d)}
mkdir -p "$D"
BASE=bench/baseline-ci.json
NATIVE=(-v gemm/native -v gemm/openblas --size 512 --time 100)
cmp() { # name file [baseline]
  local base=${3:-$BASE}
  node bin/run.js compare "$base" "$2" --json > "$D/$1.default.json" || true
  [ "$base" = "$BASE" ] && node bin/run.js compare "$base" "$2" --thresholds bench/gate.json --json > "$D/$1.gate.json" || true
}
if [ "$PROCS" -gt 1 ]; then
  BASE=$D/baseline-p$PROCS.json
  node bin/run.js run --preset ci --processes "$PROCS" --time 100 --out "$BASE" > /dev/null
  node bin/run.js run "${NATIVE[@]}" --processes "$PROCS" --out "$D/baseline-native.json" > /dev/null
  echo "baselines recorded ($(cut -d' ' -f1-3 /proc/loadavg) load)"
fi
for i in $(seq 1 "$ROUNDS"); do
  if [ "$PROCS" -gt 1 ]; then
    node bin/run.js run --preset ci --processes "$PROCS" --time 100 --out "$D/same-$i.json" > /dev/null && cmp "same-$i" "$D/same-$i.json"
    npx tsx bench/experiments/slowed-run.ts "$D/slow-$i.json" 1 100 0.16 "$PROCS" 2> /dev/null && cmp "slow-$i" "$D/slow-$i.json"
    node bin/run.js run "${NATIVE[@]}" --processes "$PROCS" --out "$D/native-$i.json" > /dev/null &&
      cmp "native-$i" "$D/native-$i.json" "$D/baseline-native.json"
  else
    node bin/run.js run --preset ci --repetitions 3 --time 100 --out "$D/same-$i.json" > /dev/null && cmp "same-$i" "$D/same-$i.json"
    node bin/run.js run --preset ci --out "$D/single-$i.json" > /dev/null && cmp "single-$i" "$D/single-$i.json"
    npx tsx bench/experiments/slowed-run.ts "$D/slow-$i.json" 3 100 2> /dev/null && cmp "slow-$i" "$D/slow-$i.json"
  fi
  echo "round $i done ($(cut -d' ' -f1-3 /proc/loadavg) load)"
done
node -e '
const fs = require("fs"), d = process.argv[1];
for (const series of ["same", "single", "slow", "native"]) for (const mode of ["default", "gate"]) {
  let regress = 0, improve = 0, runs = 0, flaggedRuns = 0, judged = 0; const changes = {};
  for (let i = 1; i <= 100; i++) {
    const f = `${d}/${series}-${i}.${mode}.json`; if (!fs.existsSync(f)) continue;
    const c = JSON.parse(fs.readFileSync(f, "utf8")); runs++;
    regress += c.counts.regression; improve += c.counts.improvement; if (c.counts.regression) flaggedRuns++;
    judged += c.counts.pass + c.counts.regression + c.counts.improvement;
    const mark = { regression: "R", improvement: "I", inconclusive: "?", pass: "" };
    for (const x of c.cases) if (x.ratio !== undefined) (changes[x.key] ??= []).push(((x.ratio - 1) * 100).toFixed(1) + (mark[x.verdict] ?? ""));
  }
  if (runs === 0) continue;
  console.log(`${series} ${mode}: ${runs} runs, ${flaggedRuns} with a regression, ${regress} regressed / ${improve} improved of ${judged} judged cases`);
  for (const [k, v] of Object.entries(changes)) console.log(`   ${k.padEnd(36)} ${v.join(" ")}`);
}' "$D"
