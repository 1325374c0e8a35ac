#!/usr/bin/env bash
# Trains the benchmark programs (tests/bench/models/) in Dojo and under real
# TensorFlow, interleaved (round 1: dojo m1, tf m1, dojo m2, tf m2, ...; then
# round 2, ...), and prints a Markdown table of medians and the ratio
# Dojo epoch time / TensorFlow epoch time per model. Run by hand, never in CI.
#
# Usage: tests/bench/compare.sh [--runs N] [--samples N] [--epochs N] [MODEL...]
#   MODEL      model names (default: every tests/bench/models/*.py)
#   --runs     rounds (default 3); medians are over rounds
#   --samples  --epochs   override every program's own settings
# Environment: DOJO (the dojo binary; default $CARGO_TARGET_DIR/debug/dojo or
# target/debug/dojo), TF_PYTHON (default /root/tfvenv/bin/python), KEEP=1
# keeps the per-run JSON files and prints their folder.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DOJO="${DOJO:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/dojo}"
TF_PYTHON="${TF_PYTHON:-/root/tfvenv/bin/python}"
RUNS=3
settings=()
MODELS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --samples|--epochs) settings+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) MODELS+=("$1"); shift ;;
  esac
done
if [[ ${#MODELS[@]} -eq 0 ]]; then
  for file in "$ROOT"/tests/bench/models/*.py; do MODELS+=("$(basename "$file" .py)"); done
fi
[[ -x "$DOJO" ]] || { echo "no dojo binary at $DOJO (cargo build -p dojo-cli, or set DOJO)" >&2; exit 2; }
[[ -x "$TF_PYTHON" ]] || { echo "no TensorFlow python at $TF_PYTHON (set TF_PYTHON)" >&2; exit 2; }

WORK="$(mktemp -d -t dojo_bench.XXXXXX)"
if [[ "${KEEP:-0}" == 1 ]]; then
  echo "work folder: $WORK" >&2
else
  trap 'rm -rf "$WORK"' EXIT
fi

for ((round = 1; round <= RUNS; round++)); do
  for model in "${MODELS[@]}"; do
    echo "round $round/$RUNS: $model" >&2
    "$DOJO" bench models --only "$model" --runs 1 "${settings[@]}" \
      --out "$WORK/dojo.$model.$round.json" >/dev/null 2>"$WORK/dojo.$model.$round.err" \
      || { cat "$WORK/dojo.$model.$round.err" >&2; exit 1; }
    "$TF_PYTHON" "$ROOT/tests/bench/bench_tf.py" --only "$model" --runs 1 "${settings[@]}" \
      --out "$WORK/tf.$model.$round.json" >/dev/null 2>"$WORK/tf.$model.$round.err" \
      || { cat "$WORK/tf.$model.$round.err" >&2; exit 1; }
  done
done

# Medians over rounds (the upper median, as both runners take it).
"$TF_PYTHON" - "$WORK" "$RUNS" "${MODELS[@]}" <<'EOF'
import json
import statistics
import sys

work, runs, models = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

def summary(runner, model):
    reports = [json.load(open('%s/%s.%s.%d.json' % (work, runner, model, r)))
               for r in range(1, runs + 1)]
    entries = [report['models'][0] for report in reports]
    return {
        'samples': entries[0]['samples'],
        'epochs': entries[0]['epochs'],
        'epoch_seconds': statistics.median_high(e['epoch_seconds'] for e in entries),
        'peak_mib': max(e['peak_rss_bytes'] or 0 for e in entries) / 1048576,
        'version': reports[0]['version'],
        'device': reports[0].get('device'),
    }

rows = [(model, summary('dojo', model), summary('tf', model)) for model in models]
dojo_version, tf_version = rows[0][1]['version'], rows[0][2]['version']
device = ' on %s' % rows[0][1]['device'] if rows[0][1]['device'] else ''
print('Dojo %s%s vs TensorFlow %s; median of %d interleaved runs; epoch time without the '
      'first (warm-up) epoch when there are several.\n' % (dojo_version, device, tf_version, runs))
print('| model | samples | epochs | Dojo epoch s | TF epoch s | Dojo / TF | '
      'Dojo samples/s | TF samples/s | Dojo peak MiB | TF peak MiB |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
ratios = []
for model, dojo, tf in rows:
    ratio = dojo['epoch_seconds'] / tf['epoch_seconds']
    ratios.append(ratio)
    print('| %s | %d | %d | %.3f | %.3f | %.2f | %.0f | %.0f | %.0f | %.0f |' % (
        model, dojo['samples'], dojo['epochs'], dojo['epoch_seconds'], tf['epoch_seconds'],
        ratio, dojo['samples'] / dojo['epoch_seconds'], tf['samples'] / tf['epoch_seconds'],
        dojo['peak_mib'], tf['peak_mib']))
print('\nGeometric mean of Dojo / TF: %.2f' % statistics.geometric_mean(ratios))
EOF
