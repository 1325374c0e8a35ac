#!/usr/bin/env bash
# The kill-9 soak (issue 18): start `dojo run --task sunspots` N times,
# kill each with SIGKILL at a random moment, then check the history file:
# SQLite's integrity_check is ok, no run is left `running`, every run's
# stored epochs run 0..n without a gap, and every epoch the run reported
# is stored.
#
#   tests/soak/kill9.sh [N] [MAX_SECONDS]     (default 100 kills within 0-4 s)
#   DOJO=path/to/dojo tests/soak/kill9.sh 100
#
# A command, not a test: it takes N x ~2 s. It never touches your own
# history: the runs go to a temporary data directory.
set -euo pipefail
n=${1:-100}
max=${2:-4}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dojo=${DOJO:-${CARGO_TARGET_DIR:-$here/../../target}/debug/dojo}
[ -x "$dojo" ] || { echo "no dojo binary at $dojo (cargo build -p dojo-cli, or set DOJO)" >&2; exit 2; }
work=$(mktemp -d)
export DOJO_DATA_DIR=$work/data
RANDOM=${SOAK_SEED:-18}
for i in $(seq 1 "$n"); do
  "$dojo" --json run "$here/epochs.py" --task sunspots --seed "$i" >"$work/out-$i.jsonl" 2>/dev/null &
  pid=$!
  # A random moment: 0 to $max seconds, in milliseconds.
  sleep "$(printf '%d.%03d' $((RANDOM % max)) $((RANDOM % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
"$dojo" --json history check >"$work/check.json"
python3 - "$work" "$n" <<'PY'
import json, sys, glob, os
work, n = sys.argv[1], int(sys.argv[2])
check = json.load(open(os.path.join(work, "check.json")))
problems = []
if check["integrity"] != ["ok"]:
    problems.append(f"integrity_check: {check['integrity']}")
if check["by_status"].get("running", 0):
    problems.append(f"{check['by_status']['running']} runs left running")
for run in check["runs"]:
    if not run["contiguous"]:
        problems.append(f"run {run['id']}: a gap in its epochs")
# Soak run i ran with seed i; one killed before it reached the history
# has no row (and must have reported nothing).
by_seed = {run["seed"]: run for run in check["runs"]}
reported_total = 0
for i in range(1, n + 1):
    lines = [l for l in open(os.path.join(work, f"out-{i}.jsonl")) if l.strip()]
    reported = sum('"kind":"epoch"' in l for l in lines)
    reported_total += reported
    if i not in by_seed:
        if reported:
            problems.append(f"soak run {i} reported {reported} epochs but is not in the history")
        continue
    stored = by_seed[i]["epochs"]
    # An epoch is written before its line is printed: every reported epoch
    # is stored, and a run killed between the two has one more stored.
    allowed = {reported, reported + 1}
    if stored not in allowed:
        problems.append(f"soak run {i} (history run {by_seed[i]['id']}): reported {reported} epochs, stored {stored}")
print(f"{n} kills: {json.dumps(check['by_status'])}; runs in the history {len(check['runs'])}; "
      f"epochs reported {reported_total}, stored {sum(r['epochs'] for r in check['runs'])}; "
      f"integrity {check['integrity']}")
# A soak in which no run got as far as an epoch tested nothing.
if sum(r["epochs"] for r in check["runs"]) == 0:
    problems.append("no run stored an epoch: the soak program does not train (run it with `dojo run`)")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("soak ok")
PY
rm -rf "$work"
