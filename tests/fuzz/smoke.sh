#!/usr/bin/env bash
# make fuzz-smoke: runs each libFuzzer target for N seconds from its seed corpus (a scratch
# copy, so that the checked-in corpus stays small) and prints the executions per target.
# Every target runs even when an earlier one fails; the exit status is 1 if any failed.
# Usage: smoke.sh BUILD_DIR SECONDS TARGET...
set -uo pipefail
build=$1 seconds=$2
shift 2
src=$(cd "$(dirname "$0")" && pwd)
failed=()
for t in "$@"; do
  work="$build/corpus-smoke/$t"
  rm -rf "$work" && mkdir -p "$work"
  cp -r "$src/corpus/$t/." "$work/" 2>/dev/null || true
  log="$build/$t.smoke.log"
  # One job (the machine may be shared); a crashing input lands in the build dir.
  "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/$t-" "$work" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  if [ $rc -ne 0 ]; then
    grep -E 'runtime error|ERROR: |SUMMARY|invariant|untranslated|Test unit written' "$log" | head -n 8
    echo "fuzz-smoke: $t FAILED after $execs executions (log: $log)"
    failed+=("$t")
  else
    echo "fuzz-smoke: $t ok, $execs executions in ${seconds} s"
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz-smoke: failed: ${failed[*]}"; exit 1; }
