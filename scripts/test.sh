#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the release build, the same tests
# under ASan+UBSan, and a short libFuzzer run of every fuzz target. Ends with one line
# "total: N passed, M failed", after the names of the failed tests and the last lines each
# printed (CI keeps only the end of the output). This is the README's test command and what
# .ci/run runs.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1

passed=0 failed=0
failures=$(mktemp)
run_ctest() {  # DIR LABEL
  local log rc
  log=$(mktemp)
  (cd "$1" && ctest -j"$(nproc)" --output-on-failure --timeout 600) 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local line total bad
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  bad=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
  if [ -z "$line" ]; then           # ctest did not get to its summary: count it as one failure
    total=1 bad=1
  elif [ "$rc" -ne 0 ] && [ "$bad" = 0 ]; then
    bad=1
  fi
  passed=$((passed + total - bad)); failed=$((failed + bad))
  echo "== $2: $((total - bad)) passed, $bad failed"
  # Each failed test's name and the end of what it printed, for the summary at the end.
  local name
  for name in $(sed -nE 's/^[[:space:]]*[0-9]+ - ([^ ]+) \(.*\)$/\1/p' "$log"); do
    { echo "== FAILED in $2: $name"
      awk -v n="$name" '/Test +#[0-9]+: / {on = index($0, ": " n " ") || index($0, ": " n "."); next}
        /tests passed, [0-9]+ tests failed out of/ {on = 0} /^ +Start +[0-9]+: / {next} on' "$log" | tail -40
    } >> "$failures"
  done
  rm -f "$log"
}

for variant in release sanitize fuzz; do
  echo "== building $variant"
  if ! bash scripts/build.sh "$variant"; then
    echo "== $variant: build failed"
    failed=$((failed + 1))
    continue
  fi
  case "$variant" in
    release) run_ctest build "release tests" ;;
    sanitize) ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
              run_ctest build-asan "ASan+UBSan tests" ;;
    fuzz) run_ctest build-fuzz "fuzzing" ;;
  esac
done
cat "$failures"; rm -f "$failures"
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
