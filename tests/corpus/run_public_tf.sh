#!/usr/bin/env bash
# The TensorFlow side of the tally: runs every public file of
# tests/corpus/public.tsv that the user fetched into DIR (named as for
# run_public.sh) under real TensorFlow with run_public_tf.py, on the data
# `dojo data TASK` exports, and prints one line per file,
# `<repository>\t<path>\t<trained|error: ...>`, then the tally. That outcome is
# the `tf_2_21` column of public.tsv.
#
#   bash tests/corpus/run_public_tf.sh DIR [DOJO]
#
# TF_PYTHON defaults to /root/tfvenv/bin/python (a scratch venv with
# tensorflow-cpu 2.21.0; TensorFlow is never part of CI or of the product).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?usage: run_public_tf.sh DIR [DOJO]}
dojo=${2:-${CARGO_TARGET_DIR:-$here/../../target}/debug/dojo}
python=${TF_PYTHON:-/root/tfvenv/bin/python}
[ -x "$dojo" ] || { echo "no dojo binary at $dojo: cargo build -p dojo-cli, or pass its path" >&2; exit 2; }
exports=$(mktemp -d)
trap 'rm -rf "$exports"' EXIT
trained=0 failed=0
while IFS=$'\t' read -r repo path commit task _; do
  [ "$repo" = repository ] && continue
  file="$dir/${repo/\//__}__${path//\//__}"
  [ -f "$file" ] || continue
  if [ ! -d "$exports/$task" ]; then
    "$dojo" data "$task" --out "$exports/$task" >/dev/null || { echo "dojo data $task failed" >&2; exit 1; }
  fi
  last=$(nice -n 19 env TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 \
    CUDA_VISIBLE_DEVICES= TF_CPP_MIN_LOG_LEVEL=3 timeout 1800 \
    "$python" "$here/run_public_tf.py" "$file" --data "$exports/$task" 2>/dev/null | tail -n1)
  outcome=$("$python" -c '
import json, re, sys
try:
    report = json.loads(sys.argv[1])
except ValueError:
    print("error: no report (crashed or timed out)")
    sys.exit()
if report["outcome"] == "trained":
    print("trained")
else:
    message = re.sub(r" \([^()]* line \d+.*\)$", "", report["error"])
    print("error: " + " ".join(message.split())[:120])
' "$last")
  case $outcome in trained) trained=$((trained + 1)) ;; *) failed=$((failed + 1)) ;; esac
  printf '%s\t%s\t%s\n' "$repo" "$path" "$outcome"
done < "$here/public.tsv"
echo "tally: TensorFlow trains $trained, stops $failed"
