#!/usr/bin/env bash
# Runs every public exam-style file listed in tests/corpus/public.tsv that
# the user fetched into DIR (named `<owner>__<repo>__<path with / as __>`,
# unmodified; third-party code is never committed here) with `dojo run
# --task`, and prints one line per file and the tally.
#
#   bash tests/corpus/run_public.sh DIR [DOJO] [-- extra dojo run arguments]
#
# DOJO defaults to `target/debug/dojo` under $CARGO_TARGET_DIR (or ./target).
# The default extra arguments cap training (`--max-epochs 1 --max-steps 3`):
# the question is whether a file reaches a grade, not how good it is; pass
# `--` alone to train as the file says.
#
# public.tsv's columns: repository, path, commit, task, and tf_2_21, what
# TensorFlow 2.21 does with the file on the same data under the same caps
# (`trained`, or the error it stops with), from run_public_tf.sh.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?usage: run_public.sh DIR [DOJO] [-- args]}
shift
dojo=${CARGO_TARGET_DIR:-$here/../../target}/debug/dojo
if [ $# -gt 0 ] && [ "$1" != "--" ]; then dojo=$1; shift; fi
[ -x "$dojo" ] || { echo "no dojo binary at $dojo: cargo build -p dojo-cli, or pass its path" >&2; exit 2; }
extra=(--max-epochs 1 --max-steps 3)
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; extra=("$@"); fi
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
graded=0 stopped=0 missing=0
while IFS=$'\t' read -r repo path commit task _; do
  [ "$repo" = repository ] && continue
  file="$dir/${repo/\//__}__${path//\//__}"
  if [ ! -f "$file" ]; then
    missing=$((missing + 1))
    continue
  fi
  out=$(cd "$(dirname "$file")" && DOJO_DATA_DIR="$data" DOJO_DEVICE=${DOJO_DEVICE:-cpu} \
    timeout 1800 "$dojo" run "$(basename "$file")" --task "$task" "${extra[@]}" 2>&1)
  grade=$(grep -m1 -E '^grade:|^not graded' <<<"$out")
  if [ -n "$grade" ]; then
    graded=$((graded + 1))
    printf 'graded   %-22s %s/%s: %s\n' "$task" "$repo" "$path" "$grade"
  else
    stopped=$((stopped + 1))
    reason=$(grep -m1 -E '^[A-Za-z]+(Error|Exception|InDojo|Exceeded)' <<<"$out")
    printf 'stopped  %-22s %s/%s: %s\n' "$task" "$repo" "$path" "${reason:-$(tail -n1 <<<"$out")}"
  fi
done < "$here/public.tsv"
echo "tally: $graded graded, $stopped stopped, $missing not fetched (of $(($(wc -l < "$here/public.tsv") - 1)) listed)"
