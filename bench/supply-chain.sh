#!/usr/bin/env bash
# What --sbom=true --provenance=mode=max --sign cost on top of the build that pushes (issue 19:
# target <= 10 % of the build time). One Java-service-like image: the offline busybox base, this
# machine's own dpkg database (/var/lib/dpkg/status, hundreds of packages) and JARS real jars from
# ~/.m2 (every one has META-INF/maven/**/pom.properties, so the SBOM scan opens each), pushed to a
# local docker-registry. Per repetition and mode, interleaved (the order flips every repetition):
#   cold  kiln build --no-cache --push: every layer made and compressed again (a CI build)
#   warm  the same build with every step cached (only the image, attestations, push and signing)
# Wall time and CPU time (user + sys of kiln's process tree) by GNU time; prints a Markdown table
# of medians and the supply-chain overhead. CPU time is the fairer figure on a loaded machine.
#
# Usage: bench/supply-chain.sh   Environment: RUNS (3), JARS (200). Needs docker-registry,
# busybox-static (the offline base) and python3 (for the table).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${RUNS:-3}
jars=${JARS:-200}
work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-supply-bench.XXXXXX")
registry_pid=
cleanup() {
  [[ -n $registry_pid ]] && kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export LC_ALL=C.UTF-8 KILN_CACHE_DIR=$work/cache
kiln=("$root/kiln")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<YML
version: 0.1
storage: {filesystem: {rootdirectory: $work/registry-data}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
registry=127.0.0.1:$port

"$root/testdata/base-images/busybox/make-rootfs.sh" "$root/testdata/images/busybox/rootfs.tar" >/dev/null
"${kiln[@]}" build -q -t busybox:kiln "$root/testdata/images/busybox" >/dev/null

ctx=$work/context
mkdir -p "$ctx/lib"
cp /var/lib/dpkg/status "$ctx/status"
cp /etc/os-release "$ctx/os-release"
find "$HOME/.m2/repository" -name '*.jar' -size +1k | sort >"$work/jars.txt"
head -n "$jars" "$work/jars.txt" | while read -r j; do cp "$j" "$ctx/lib/"; done
cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM busybox:kiln
COPY status /var/lib/dpkg/status
COPY os-release /etc/os-release
COPY lib /app/lib
CMD ["ls", "/app/lib"]
DOCKERFILE
"${kiln[@]}" key generate --output-key-prefix "$work/bench" >/dev/null 2>&1

supply=(--sbom=true --provenance=mode=max --sign "key=$work/bench.key")
times=$work/times.tsv
# one MODE KIND REP: KIND plain or supply
one() {
  local mode=$1 kind=$2 rep=$3 extra=()
  [[ $mode == cold ]] && extra+=(--no-cache)
  [[ $kind == supply ]] && extra+=("${supply[@]}")
  /usr/bin/time -f "$mode	$kind	%e	%U	%S" -a -o "$times" \
    "${kiln[@]}" build -q --push --insecure-registry "$registry" "${extra[@]}" \
    -t "$registry/bench/$kind-$mode:$rep" "$ctx" >/dev/null
}
"${kiln[@]}" build -q --push --insecure-registry "$registry" -t "$registry/bench/warmup:1" "$ctx" >/dev/null
: >"$times"
for ((rep = 1; rep <= runs; rep++)); do
  for mode in cold warm; do
    if ((rep % 2)); then order=(plain supply); else order=(supply plain); fi
    for kind in "${order[@]}"; do one "$mode" "$kind" "$rep"; done
  done
done

echo "image: busybox + $(grep -c '^Package:' "$ctx/status") dpkg packages + $jars jars" \
  "($(du -sh "$ctx/lib" | cut -f1)); $runs repetitions; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$times" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if "\t" in l]
def med(mode, kind, cpu):
    vals = [float(r[3]) + float(r[4]) if cpu else float(r[2]) for r in rows if r[0] == mode and r[1] == kind]
    return statistics.median(vals)
print("| build | plain wall | + sbom, provenance, sign wall | overhead | plain CPU | supply CPU | overhead |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for mode in ("cold", "warm"):
    pw, sw, pc, sc = med(mode, "plain", 0), med(mode, "supply", 0), med(mode, "plain", 1), med(mode, "supply", 1)
    print(f"| {mode} | {pw:.2f} s | {sw:.2f} s | {100 * (sw - pw) / pw:+.0f} % | {pc:.2f} s | {sc:.2f} s | {100 * (sc - pc) / pc:+.0f} % |")
PY
