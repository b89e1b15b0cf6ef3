#!/bin/sh
# Fuzzes kiln's Jazzer targets for SECONDS each (default 60), one after the other, with a random
# libFuzzer seed; `mvn verify` only runs a short fixed-seed pass (README, "Fuzzing").
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 TarReaderFuzzTest
#
# Run from the repository root. Each target's log goes to <module>/target/fuzz-logs/<TARGET>.log
# and its summary line (inputs run, time, new coverage) is printed. A failing input is written to
# <module>/crash-<sha1> (or under the module's src/test/resources) and ends the script with status
# 1 after the other targets: fix it, then move the input to testdata/fuzz/<folder>/.
# Extra Maven options (e.g. -o for offline) can be given in MAVEN_ARGS.
set -eu

seconds=${1:-60}
[ $# -gt 0 ] && shift
case $seconds in
  '' | *[!0-9]*)
    echo "fuzz.sh: SECONDS must be a whole number of seconds, not '$seconds'" >&2
    exit 2
    ;;
esac

all="dockerfile-frontend:DockerfileFuzzTest dockerfile-frontend:WordExpansionFuzzTest
dockerfile-frontend:IgnoreFuzzTest builder-core:TarReaderFuzzTest builder-core:LayerReaderFuzzTest
builder-core:LayerIndexFuzzTest builder-core:StackViewFuzzTest registry-client:DocumentFuzzTest
registry-client:NameFuzzTest"

chosen=""
if [ $# -eq 0 ]; then
  chosen=$all
else
  for name in "$@"; do
    found=""
    for t in $all; do
      [ "${t#*:}" = "$name" ] && found=$t
    done
    if [ -z "$found" ]; then
      echo "fuzz.sh: no fuzz target '$name'; the targets are:" >&2
      for t in $all; do echo "  ${t#*:}" >&2; done
      exit 2
    fi
    chosen="$chosen $found"
  done
fi

failed=""
for t in $chosen; do
  module=${t%%:*}
  target=${t#*:}
  mkdir -p "$module/target/fuzz-logs"
  log="$module/target/fuzz-logs/$target.log"
  echo "== $target ($module), $seconds s: $log"
  # libFuzzer's flags: the last -max_total_time and -runs win over the @FuzzTest's own limits.
  # shellcheck disable=SC2086
  if JAZZER_FUZZ=1 mvn -B -Dstyle.color=never ${MAVEN_ARGS:-} -pl "$module" -am test \
    -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.internal.arg.0=fuzz \
    -Djazzer.internal.arg.1=-max_total_time="$seconds" \
    -Djazzer.internal.arg.2=-runs=-1 \
    -Djazzer.internal.arg.3=-timeout=10 >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed="$failed $target"
  fi
  summary=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1 || true)
  coverage=$(grep -E '^#[0-9]+[[:space:]]+(DONE|REDUCE|NEW|pulse)' "$log" | tail -n 1 || true)
  echo "   $status: ${summary:-no libFuzzer summary}; last: ${coverage:-none}"
done

if [ -n "$failed" ]; then
  echo "fuzz.sh: findings or failures in:$failed (see their logs)" >&2
  exit 1
fi
