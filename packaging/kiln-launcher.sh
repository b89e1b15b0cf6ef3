#!/bin/sh
# kiln, from a release archive: runs lib/kiln.jar on the Java runtime in runtime/, both next to
# this script's real location (a symlink to it, such as PREFIX/bin/kiln, works). The JVM options
# are those of the repository's ./kiln, with the AOT cache of a Java 25 runtime in place of its
# class-data archive.
# Environment: KILN_JAVA_OPTS (more JVM options), KILN_CDS=0 (no AOT cache).
set -e
self=$0
# Follow symlinks to the real script; readlink -f is in coreutils and busybox alike.
if real=$(readlink -f -- "$self" 2>/dev/null) && [ -n "$real" ]; then self=$real; fi
home=$(cd "$(dirname -- "$self")/.." && pwd -P)
java=$home/runtime/bin/java
jar=$home/lib/kiln.jar
if [ ! -x "$java" ] || [ ! -f "$jar" ]; then
  echo "kiln: $home is not a complete kiln installation (runtime/bin/java or lib/kiln.jar missing)" >&2
  exit 4
fi
# The AOT cache (JEP 483, 515) holds kiln's classes loaded, linked and profiled by a training
# build run when the release was made, so start-up does not read, verify and link them again. It
# belongs to this runtime and jar, not to their directory: it works wherever this is unpacked.
aot=
if [ "${KILN_CDS:-1}" != 0 ] && [ -f "$home/lib/kiln.aot" ]; then
  aot=-XX:AOTCache=$home/lib/kiln.aot
fi
# The serial collector, unless KILN_JAVA_OPTS picks one: kiln streams its data, so a small heap
# collected by one thread keeps the resident set small and starts faster (bench/RESULTS.md). Its
# young generation starts at 16 MiB: a build keeps 10-15 MiB alive, and a default-sized eden is
# all touched before the first collection (bench/NOTES-speed2.md).
gc=-XX:+UseSerialGC
young=-XX:NewSize=16m
case " ${KILN_JAVA_OPTS:-} " in *" -XX:+Use"*"GC "*) gc= young= ;; esac
# File names are bytes on Linux; the JVM maps them through the locale, so make it UTF-8.
case "${LC_ALL:-${LANG:-}}" in
  *UTF-8* | *utf8*) ;;
  *) LC_ALL=C.UTF-8 && export LC_ALL ;;
esac
# -Xlog:aot=off: a cache made with other options (another collector) is skipped without a word.
# --enable-native-access: zstd-jni loads its library, which Java 24+ otherwise warns about.
# shellcheck disable=SC2086 # KILN_JAVA_OPTS is a list of options, split on spaces
exec "$java" ${aot:+"$aot"} ${gc:+"$gc"} ${young:+"$young"} -Xlog:aot=off -Xlog:cds=off \
  --enable-native-access=ALL-UNNAMED ${KILN_JAVA_OPTS:-} -jar "$jar" "$@"
