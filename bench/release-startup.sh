#!/usr/bin/env bash
# Start-up of the release archive's runtime against the alternative it replaced: a jlinked Java 17
# runtime with an AppCDS archive (what ./kiln uses, on the JDK's full runtime) against the
# release's jlinked Java 25 runtime with its AOT cache (JEP 483/514/515), plus each without its
# archive for reference. Two commands, each run
# RUNS times after 2 warm-ups by hyperfine: `kiln --version` and a no-change rebuild of
# testdata/examples/hello (every step cached). Prints a Markdown table of medians.
#
# Usage: bench/release-startup.sh [ARCHIVE]   (default: cli/target/kiln-*-linux-*.tar.gz)
# Environment: RUNS (10), JDK17 (/usr/lib/jvm/java-17-openjdk-amd64). Needs hyperfine,
# busybox-static (the offline base) and python3 (for the table).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${RUNS:-10}
jdk17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
archive=${1:-$(ls "$root"/cli/target/kiln-*-linux-*.tar.gz | head -n 1)}
command -v hyperfine >/dev/null || { echo "release-startup.sh: apt-get install hyperfine" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-release-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8

# Java 25: the release as shipped.
mkdir "$work/r25" && tar -xzf "$archive" -C "$work/r25" --strip-components=1
kiln25=("$work/r25/bin/kiln")

# Java 17: the same modules and jar, an AppCDS archive made in place by ./kiln's training builds.
modules=java.base,java.logging,java.naming,java.net.http,java.sql,jdk.httpserver,jdk.unsupported,jdk.crypto.ec
"$jdk17/bin/jlink" --add-modules "$modules" --output "$work/r17" --strip-debug --no-header-files \
  --no-man-pages --compress=2 --generate-cds-archive >/dev/null
jar=$work/r25/lib/kiln.jar
# A static archive from the training's class list, as ./kiln makes it (a dynamic one would leave
# picocli's old class files out).
"$work/r17/bin/java" -XX:+UseSerialGC -XX:DumpLoadedClassList="$work/classes.lst" -Xlog:cds=off \
  -jar "$jar" debug train "$work/train" >/dev/null
"$work/r17/bin/java" -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" \
  -XX:SharedArchiveFile="$work/kiln17.jsa" -Xlog:cds*=off -cp "$jar" >/dev/null
kiln17=("$work/r17/bin/java" -XX:SharedArchiveFile="$work/kiln17.jsa" -Xlog:cds=off -XX:+UseSerialGC -jar "$jar")
# What a Java 17 release would run: its AppCDS archive is refused once the jar has moved (the
# archive records the jar's path), so an archive made at packaging time would never be used.
kiln17nocds=("$work/r17/bin/java" -XX:+UseSerialGC -jar "$jar")

# The hello example on the offline busybox base, built once so that the measured build is a hit.
mkdir "$work/busybox"
"$root/testdata/base-images/busybox/make-rootfs.sh" "$work/busybox/rootfs.tar" >/dev/null
cp "$root/testdata/images/busybox/Dockerfile" "$work/busybox/"
store=(--cache-dir "$work/store")
"${kiln25[@]}" build -q "${store[@]}" -t busybox:kiln "$work/busybox" >/dev/null
rebuild=(build -q "${store[@]}" -t hello "$root/testdata/examples/hello")
"${kiln25[@]}" "${rebuild[@]}" >/dev/null

q() { printf '%q ' "$@"; }
hyperfine -N --style basic --warmup 2 --runs "$runs" --export-json "$work/result.json" \
  -n "java 17 jlink + AppCDS: --version" "$(q "${kiln17[@]}" --version)" \
  -n "java 25 jlink + AOT cache: --version" "$(q "${kiln25[@]}" --version)" \
  -n "java 17 jlink + AppCDS: no-change rebuild" "$(q "${kiln17[@]}" "${rebuild[@]}")" \
  -n "java 25 jlink + AOT cache: no-change rebuild" "$(q "${kiln25[@]}" "${rebuild[@]}")" \
  -n "java 17 jlink, default CDS only: no-change rebuild" "$(q "${kiln17nocds[@]}" "${rebuild[@]}")" \
  -n "java 25 jlink, no AOT cache: no-change rebuild" "$(q env KILN_CDS=0 "${kiln25[@]}" "${rebuild[@]}")" \
  >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
python3 - "$work/result.json" <<'PY'
import json, sys
print("| runtime: command | wall median s (min–max) | CPU s (user + sys, mean) |")
print("|---|---:|---:|")
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"| {r['command']} | {r['median']:.2f} ({r['min']:.2f}–{r['max']:.2f}) | {r['user'] + r['system']:.2f} |")
PY
