#!/usr/bin/env bash
# Makes the release archive kiln-<version>-linux-<arch>.tar.gz from kiln's shaded jar:
#
#   bin/kiln                      the launcher (packaging/kiln-launcher.sh)
#   lib/kiln.jar                  kiln and its libraries (zstd-jni's native code for this arch only)
#   lib/kiln.aot                  the AOT cache of a training build (made here, not at first use)
#   runtime/                      a Java runtime trimmed by jlink to the modules kiln uses
#   share/man/man1/*.1            man pages (kiln man)
#   share/bash-completion/completions/kiln   (kiln completion bash; zsh sources it too)
#   share/fish/vendor_completions.d/kiln.fish (kiln completion fish)
#   LICENSE, NOTICE, README.md
#
# Unpacked anywhere it runs with no JDK or Maven on the machine. The runtime comes from a JDK 25
# or later: its AOT cache (JEP 483/514/515) is tied to the runtime and jar, not to the directory
# they are in, while Java 17's class-data archives are refused once the jar has moved.
#
# Usage: packaging/make-release.sh [--jdk DIR] [--out DIR] [--version V] JAR
#   --jdk      the JDK whose jlink makes the runtime (default: $KILN_RELEASE_JDK, else the newest
#              /usr/lib/jvm/*-25*, else $JAVA_HOME); must be 25 or later
#   --out      where the archive goes (default: the jar's directory)
#   --version  the version in the name (default: what the jar's `kiln version` says)
# SOURCE_DATE_EPOCH, when set, dates the archive's entries (kiln's build stamps it in the jar too).
set -euo pipefail

jdk=${KILN_RELEASE_JDK:-}
out=
version=
while (($#)); do
  case $1 in
    --jdk) jdk=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "make-release.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
(($# == 1)) || { echo "usage: make-release.sh [--jdk DIR] [--out DIR] [--version V] JAR" >&2; exit 2; }
jar=$(realpath "$1")
[[ -f $jar ]] || { echo "make-release.sh: $1 is not a file (build it: mvn -pl cli -am package)" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

if [[ -z $jdk ]]; then
  for candidate in $(ls -d /usr/lib/jvm/*-2[5-9]* /usr/lib/jvm/*-[3-9][0-9]* 2>/dev/null | sort -V -r); do
    [[ -x $candidate/bin/jlink ]] && { jdk=$candidate; break; }
  done
  jdk=${jdk:-${JAVA_HOME:-}}
fi
feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release" 2>/dev/null || true)
if [[ ! -x $jdk/bin/jlink || -z $feature || $feature -lt 25 ]]; then
  echo "make-release.sh: the release runtime needs a JDK 25 or later (found '${jdk:-none}'," \
    "Java ${feature:-?}); give it with --jdk DIR, KILN_RELEASE_JDK or -Dkiln.release.jdk=DIR" \
    "(Eclipse Temurin 25: https://adoptium.net)" >&2
  exit 2
fi
case $(sed -n 's/^OS_ARCH="\(.*\)"/\1/p' "$jdk/release") in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) arch=$(sed -n 's/^OS_ARCH="\(.*\)"/\1/p' "$jdk/release") ;;
esac

out=$(realpath -m "${out:-$(dirname "$jar")}")
mkdir -p "$out"
work=$(mktemp -d "$out/.release.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The modules kiln needs: what jdeps finds in the jar (java.base, java.logging, java.naming for
# HttpClient's host name checks, java.net.http for ADD downloads, java.sql for Jackson's date
# types, jdk.httpserver for the registry `kiln debug train` serves to record the AOT cache,
# jdk.unsupported for Unsafe), plus what is only looked up at run time: jdk.crypto.ec
# (elliptic-curve TLS, a module of its own before Java 22). Left out though jdeps lists them:
# java.desktop (java.beans, in code kiln never runs), java.compiler (picocli's annotation
# processor), java.security.jgss (Kerberos). Every one added costs start-up and size.
modules=java.base,java.logging,java.naming,java.net.http,java.sql,jdk.httpserver,jdk.unsupported
if "$jdk/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then modules+=,jdk.crypto.ec; fi

echo "make-release.sh: jlink $modules from $jdk (Java $feature)" >&2
stage_name=kiln-pending
stage=$work/$stage_name
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/man/man1" "$stage/share/bash-completion/completions" \
  "$stage/share/fish/vendor_completions.d"
# No default class-data archive (--generate-cds-archive): the AOT cache replaces it.
"$jdk/bin/jlink" --add-modules "$modules" --output "$stage/runtime" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6
# The native libraries' symbol tables (5 MB of libjvm.so) serve only debuggers; calls between
# libraries use the dynamic symbols, which stay. Skipped where binutils is not installed.
if command -v strip >/dev/null; then
  find "$stage/runtime" -name '*.so' -type f -exec strip --strip-unneeded {} +
fi

# The jar without zstd-jni's native libraries for other systems (7 of its 20 MB). Entries are
# dated like Maven's (project.build.outputTimestamp) unless SOURCE_DATE_EPOCH says otherwise.
epoch=${SOURCE_DATE_EPOCH:-$(date +%s)}
entries=$work/jar
mkdir "$entries"
(cd "$entries" && "$jdk/bin/jar" xf "$jar")
case $arch in amd64) zstd_dir=linux/amd64 ;; arm64) zstd_dir=linux/aarch64 ;; *) zstd_dir=linux/$arch ;; esac
find "$entries" -name 'libzstd-jni-*' -type f ! -path "$entries/$zstd_dir/*" -delete
find "$entries" -depth -type d -empty -delete
# picocli's classes are class-file version 49, which an AOT cache leaves out: the JVM would parse
# and verify about 175 of them the old way on every run. Rewritten as Java 8 class files with
# stack maps (bytecode unchanged), they are cached like the rest (bench/NOTES-speed3-startup.md).
"$jdk/bin/java" "$here/RetargetOldClasses.java" "$entries"
"$jdk/bin/jar" --create --file "$stage/lib/kiln.jar" --manifest "$entries/META-INF/MANIFEST.MF" \
  --date="$(date -u -d "@$((epoch < 315532800 ? 315532800 : epoch))" +%Y-%m-%dT%H:%M:%SZ)" \
  -C "$entries" .
# The AOT cache checks the jar's size and modification time; the archive gives every file the
# time below, so the jar has it already when the cache is made.
touch -d "@$epoch" "$stage/lib/kiln.jar"
install -m 0755 "$here/kiln-launcher.sh" "$stage/bin/kiln"
cp "$root/LICENSE" "$root/NOTICE" "$root/README.md" "$stage/"

[[ -n $version ]] || version=$("$stage/bin/kiln" version | sed -n '1s/^kiln //p')
name=kiln-$version-linux-$arch

# The training run, as ./kiln makes its archive (kiln debug train): a build from a base in a
# registry the command serves in-process, a partial cache hit that pushes, a no-change rebuild,
# kiln push and kiln pull, so the classes of the registry path, both cache paths, the local store
# and those commands are in the cache. Same options as bin/kiln.
echo "make-release.sh: training build for the AOT cache" >&2
java=("$stage/runtime/bin/java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED)
LC_ALL=C.UTF-8 JAVA_TOOL_OPTIONS= "${java[@]}" -XX:AOTCacheOutput="$stage/lib/kiln.aot" \
  -Xlog:aot=warning -jar "$stage/lib/kiln.jar" debug train "$work/train" \
  >/dev/null 2>"$work/aot.log" || { cat "$work/aot.log" >&2; exit 1; }
# Refuse a release whose cache the runtime would not use, or that left picocli's classes out.
"${java[@]}" -XX:AOTCache="$stage/lib/kiln.aot" -XX:AOTMode=on -Xlog:class+load=info \
  -jar "$stage/lib/kiln.jar" --version >"$work/classes.log"
uncached=$(grep ' picocli\.' "$work/classes.log" | grep -v 'source: shared objects file' || true)
if [[ -n $uncached ]]; then
  echo "make-release.sh: picocli's classes are not in the AOT cache (see RetargetOldClasses.java):" >&2
  head -n 3 <<<"$uncached" >&2
  exit 1
fi

"$stage/bin/kiln" completion bash >"$stage/share/bash-completion/completions/kiln"
"$stage/bin/kiln" completion fish >"$stage/share/fish/vendor_completions.d/kiln.fish"
"$stage/bin/kiln" man --dir "$stage/share/man/man1" 2>/dev/null

mv "$stage" "$work/$name"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$work" -cf - "$name" | gzip -n -9 >"$work/$name.tar.gz"
mv -f "$work/$name.tar.gz" "$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "$out/$name.tar.gz"
