#!/usr/bin/env bash
# What --sbom=true --provenance=mode=max --sign cost on issue 15's real-world Java app (issue 19:
# target <= 10 % of the build time): the edit-one-file-and-push loop of CI, with and without the
# three options, interleaved, on the Maven builder + JRE runtime bases that bench/run.sh's
# realworld section made (it keeps them as OCI layouts). Prints GNU time's wall, user, sys and
# peak RSS per build; CPU (user + sys, RUN's Maven included) is the fairer figure on a busy machine.
#
# Usage: bench/supply-chain-realworld.sh [LAYOUTS]
#   LAYOUTS  the realworld section's kept layouts (default /var/tmp/kiln-bench/keep/realworld/layouts;
#            make them with BENCH_SECTIONS=realworld bench/run.sh)
# Environment: RUNS (3), KILN_JAR (cli/target/kiln.jar; build it first), SUPPLY_OPTS (the options
# measured; default "--sbom=true --provenance=mode=max --sign key=KEY"). Needs docker-registry, jq,
# skopeo, and Maven Central reachable from RUN (the app's builder stage runs `mvn package`).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
root=$ROOT
runs=${RUNS:-3}
jar=${KILN_JAR:-$root/cli/target/kiln.jar}
[[ -f $jar ]] || { echo "no $jar: build it (mvn -pl cli -am package -DskipTests)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/var/tmp}/kiln-sc-rw.XXXXXX")
# What bench/run.sh's libraries expect: the registry, the kept bases and their publishing.
WORK=$work OUT=$work/out QUICK=0
BENCH_REALWORLD_KEEP=$(dirname "${1:-/var/tmp/kiln-bench/keep/realworld/layouts}")
mkdir -p "$OUT/logs"
for lib in common registry bases realworld; do
  # shellcheck source=/dev/null
  source "$BENCH_DIR/lib/$lib.sh"
done
for b in maven jre; do
  [[ -f $(rw_layout "$b")/index.json ]] ||
    die "no $b base at $(rw_layout "$b"): run BENCH_SECTIONS=realworld bench/run.sh first"
done
cleanup() {
  stop_registry
  rm -rf "$work"
}
trap cleanup EXIT
export LC_ALL=C.UTF-8
kiln() { java -XX:+UseSerialGC -jar "$jar" "$@"; }

start_registry
registry=$REGISTRY
# The bases with this machine's CA certificates on top, as the realworld section publishes them.
rw_publish_bases maven jre
cp -r "$root/bench/realworld/apps/java" "$work/ctx"
sed -i "s#@REGISTRY@#$registry#g" "$work/ctx/Dockerfile"
kiln key generate --output-key-prefix "$work/key" >/dev/null
# One build first: the Maven cache mount and the base layers are then in the store, as on a runner
# that keeps its store.
kiln build -q --cache-dir "$work/cache" --push -t "$registry/app:0" "$work/ctx" >/dev/null
edited=$work/ctx/src/main/java/dev/kiln/bench/app/App.java
echo "| run | mode | wall s | user s | sys s | peak RSS KiB |"
echo "|---|---|---:|---:|---:|---:|"
for i in $(seq "$runs"); do
  modes="plain supply"
  (( i % 2 == 0 )) && modes="supply plain"
  for mode in $modes; do
    sed -i "s/bench-edit-[0-9a-z]*/bench-edit-$mode$i/" "$edited"
    extra=()
    # SUPPLY_OPTS measures one option at a time (e.g. "--sbom=true"); KEY stands for the key.
    [[ $mode == supply ]] &&
      read -r -a extra <<<"${SUPPLY_OPTS:---sbom=true --provenance=mode=max --sign key=KEY}"
    extra=("${extra[@]/KEY/$work/key.key}")
    /usr/bin/time -o "$work/time" -f "%e %U %S %M" java -XX:+UseSerialGC -jar "$jar" build -q \
      --cache-dir "$work/cache" --push -t "$registry/app:$mode$i" "${extra[@]}" "$work/ctx" \
      >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r wall user sys rss <"$work/time"
    echo "| $i | $mode | $wall | $user | $sys | $rss |"
  done
done
