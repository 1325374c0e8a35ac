#!/usr/bin/env bash
# Runs each task's reference program in Dojo and under real TensorFlow on the
# same data and epochs, and prints a Markdown table of the final epoch's
# validation metric and the wall time of each. Run by hand, never in CI.
#
# Usage: tests/tf_compare/compare.sh [--max-epochs N] [--programs DIR] [TASK...]
#   TASK        task ids (default: all six)
#   --max-epochs caps every fit in both runs (default: the program's epochs)
#   --programs  folder holding <task>/reference.py (default: assets/tasks)
# Environment: DOJO (the dojo binary; default $CARGO_TARGET_DIR/debug/dojo or
# target/debug/dojo), TF_PYTHON (default /root/tfvenv/bin/python), KEEP=1 keeps
# the work folder (data exports and raw logs) and prints its path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DOJO="${DOJO:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/dojo}"
TF_PYTHON="${TF_PYTHON:-/root/tfvenv/bin/python}"
PROGRAMS="$ROOT/assets/tasks"
MAX_EPOCHS=""
TASKS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --max-epochs) MAX_EPOCHS="$2"; shift 2 ;;
    --programs) PROGRAMS="$(cd "$2" && pwd)"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) TASKS+=("$1"); shift ;;
  esac
done
if [[ ${#TASKS[@]} -eq 0 ]]; then
  TASKS=(auto_mpg fashion_mnist horses_or_humans sms_spam sunspots daily_min_temperatures)
fi
[[ -x "$DOJO" ]] || { echo "no dojo binary at $DOJO (cargo build -p dojo-cli, or set DOJO)" >&2; exit 2; }
[[ -x "$TF_PYTHON" ]] || { echo "no TensorFlow python at $TF_PYTHON (set TF_PYTHON)" >&2; exit 2; }

WORK="$(mktemp -d -t tf_compare.XXXXXX)"
if [[ "${KEEP:-0}" == 1 ]]; then
  echo "work folder: $WORK" >&2
else
  trap 'rm -rf "$WORK"' EXIT
fi

epoch_args=()
[[ -n "$MAX_EPOCHS" ]] && epoch_args=(--max-epochs "$MAX_EPOCHS")

now() { date +%s.%N; }

run_dojo() { # task program
  local start end
  start=$(now)
  "$DOJO" run "$2" --task "$1" --json "${epoch_args[@]}" >"$WORK/$1.dojo.jsonl" 2>"$WORK/$1.dojo.err" || true
  end=$(now)
  echo "$start $end" >"$WORK/$1.dojo.time"
}

run_tf() { # task program
  "$TF_PYTHON" "$ROOT/tests/tf_compare/run_tf.py" "$2" --data "$WORK/$1" "${epoch_args[@]}" \
    >"$WORK/$1.tf.out" 2>"$WORK/$1.tf.err" || true
}

index=0
for task in "${TASKS[@]}"; do
  program="$PROGRAMS/$task/reference.py"
  [[ -f "$program" ]] || { echo "no program $program" >&2; exit 2; }
  "$DOJO" data "$task" --out "$WORK/$task" >/dev/null
  echo "[$(date +%T)] $task" >&2
  # Interleaved, alternating which goes first, so load drift hits both.
  if (( index % 2 == 0 )); then
    run_dojo "$task" "$program"; run_tf "$task" "$program"
  else
    run_tf "$task" "$program"; run_dojo "$task" "$program"
  fi
  index=$((index + 1))
done

"$TF_PYTHON" - "$WORK" "${TASKS[@]}" <<'PY'
import json, re, sys

work, tasks = sys.argv[1], sys.argv[2:]
EPOCH = re.compile(r"^Epoch (\d+)/(\d+)")
METRIC = re.compile(r"\b(val_[A-Za-z_]+): (-?[0-9.]+(?:e[-+]?\d+)?)")

def dojo_result(task):
    """The last epoch line's validation metrics, from the JSON stdout events."""
    text, error = "", None
    with open(f"{work}/{task}.dojo.jsonl", encoding="utf-8") as handle:
        for line in handle:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("kind") == "stdout":
                text += event.get("text", "")
            elif event.get("kind") == "error":
                error = f"{event.get('exception')}: {event.get('message')}"
    epochs, metrics = 0, {}
    for line in re.split(r"[\r\n]", text):
        match = EPOCH.match(line)
        if match:
            epochs = int(match.group(1))
        found = dict((k, float(v)) for k, v in METRIC.findall(line))
        if found:
            metrics = found
    start, end = open(f"{work}/{task}.dojo.time").read().split()
    return epochs, metrics, float(end) - float(start), error

def tf_result(task):
    lines = open(f"{work}/{task}.tf.out", encoding="utf-8").read().strip().splitlines()
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = open(f"{work}/{task}.tf.err", encoding="utf-8").read().strip().splitlines()[-1:]
        return None, f"failed: {' '.join(tail)}"
    return result, None

print("| task | epochs | metric | Dojo | TF | difference | Dojo time | TF time |")
print("|---|---|---|---|---|---|---|---|")
for task in tasks:
    epochs, metrics, dojo_seconds, dojo_error = dojo_result(task)
    tf, tf_error = tf_result(task)
    name = tf["metric"] if tf and tf["metric"] else next(iter(metrics), "?")
    dojo_value = metrics.get(name)
    tf_value = tf["value"] if tf else None
    if dojo_value is not None and tf_value is not None:
        if "acc" in name:
            difference = f"{(dojo_value - tf_value) * 100:+.1f} pp"
        else:
            difference = f"{(dojo_value - tf_value) / tf_value * 100:+.1f} %"
    else:
        difference = "n/a"
    tf_epochs = tf["epochs"] if tf else "?"
    epoch_text = str(epochs) if epochs == tf_epochs else f"{epochs} / {tf_epochs}"
    dojo_text = f"{dojo_value:.4f}" if dojo_value is not None else (dojo_error or "no metric")
    tf_text = f"{tf_value:.4f}" if tf_value is not None else (tf_error or "no metric")
    tf_time = f"{tf['seconds']:.0f} s" if tf else "n/a"
    print(f"| {task} | {epoch_text} | {name} | {dojo_text} | {tf_text} | {difference} "
          f"| {dojo_seconds:.0f} s | {tf_time} |")
PY
