#!/usr/bin/env bash
# The long fuzz campaign (issue 18): `cargo fuzz` (libFuzzer, nightly) on
# the parser, the interpreter and the hostile-program generator.
#
#   tests/fuzz/run.sh [RUNS] [TARGET...]
#   tests/fuzz/run.sh 1000000 parse interpret     # the issue's campaign
#
# Seeds: the error corpus and the committed programs. Findings land in
# tests/fuzz/artifacts/<target>/ (crashes, timeouts over 10 s, memory over
# 4 GiB); the grown corpus in tests/fuzz/corpus/, libFuzzer's whole output in
# tests/fuzz/logs/<target>.log (all ignored by git).
set -euo pipefail
runs=${1:-1000000}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse interpret generated)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" logs
  if [ "$target" != generated ]; then
    cp ../corpus/errors/*.py ../corpus/programs/*.py "corpus/$target/"
  fi
  started=$(date +%s)
  cargo +nightly fuzz run --fuzz-dir "$here" --sanitizer none "$target" "corpus/$target" -- \
    -runs="$runs" -max_len=8192 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 2>&1 \
    | tee "logs/$target.log" | grep -E "^(stat::|Done|#[0-9]+ *DONE)|ERROR|panicked|SUMMARY|deadly|Test unit written" || true
  echo "$target: $runs runs in $(( $(date +%s) - started )) s"
done
