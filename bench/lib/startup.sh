# JVM start-up: the warm no-change rebuild of the multi-stage workload under JVM options, next to
# buildah's no-change rebuild of the same input (sourced by bench/run.sh).
#
# Variants go through the launcher's KILN_JAVA_OPTS, round-robin, 2 x BENCH_REPS each:
#   (none)                      what ./kiln does today
#   -Xshare:off                 without the JDK's default class-data archive
#   -XX:TieredStopAtLevel=1     C1 only: less JIT work, slower peak code
#   -XX:+UseSerialGC            no parallel GC threads to start
#   AppCDS                      -XX:SharedArchiveFile= an archive of kiln's classes, dumped once with
#                               -XX:ArchiveClassesAtExit during a cold build of the same workload
#                               in another cache (so it holds the classes of a real build, not
#                               only of the path measured), and combinations.

startup_variants() {
  local jsa=$1
  printf '%s\n' \
    "kiln|" \
    "kiln -Xshare:off|-Xshare:off" \
    "kiln C1|-XX:TieredStopAtLevel=1" \
    "kiln SerialGC|-XX:+UseSerialGC" \
    "kiln AppCDS|-XX:SharedArchiveFile=$jsa" \
    "kiln AppCDS+C1|-XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1" \
    "kiln AppCDS+C1+SerialGC|-XX:SharedArchiveFile=$jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" \
    "kiln C1+SerialGC|-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
}

run_startup() {
  [[ " $WORKLOADS " == *" multistage "* ]] || { log "startup: needs the multistage workload, skipped"; return 0; }
  local ctx=$WORK/ctx/multistage cache=$WORK/startup-cache dump=$WORK/startup-dump jsa=$WORK/kiln-app.jsa
  local tag=bench/multistage:kiln iso=${ISOLATIONS%% *}
  kiln_reset "$cache"
  "$ROOT/kiln" build --cache-dir "$cache" --progress=plain --isolation "$iso" -t "$tag" "$ctx" \
    >"$OUT/logs/startup-prepare.log" 2>&1 || die "startup: preparing the cache failed ($OUT/logs/startup-prepare.log)"
  kiln_reset "$dump"
  rm -f "$jsa"
  KILN_JAVA_OPTS="-XX:ArchiveClassesAtExit=$jsa" "$ROOT/kiln" build --cache-dir "$dump" --progress=plain \
    --isolation "$iso" -t "$tag" "$ctx" >"$OUT/logs/startup-appcds-dump.log" 2>&1 ||
    die "startup: dumping the AppCDS archive failed ($OUT/logs/startup-appcds-dump.log)"
  remove_tree "$dump"
  log "startup: AppCDS archive $(du -h "$jsa" | cut -f1) ($(grep -c 'not supported by CDS' "$OUT/logs/startup-appcds-dump.log" || true) classes refused, e.g. class files older than Java 6)"

  local store=$WORK/startup-buildah
  buildah_reset "$store"
  local bcmd=()
  mapfile -d '' bcmd < <(buildah_build_cmd "$store" "$iso" "$ctx" bench/multistage:buildah)
  "${bcmd[@]}" >"$OUT/logs/startup-buildah-prepare.log" 2>&1 || die "startup: buildah's first build failed"

  local n=$((REPS * 2)) rep line name opts
  for ((rep = 1; rep <= n; rep++)); do
    log "startup: round $rep/$n"
    while IFS='|' read -r name opts; do
      measure startup multistage warm "$name" "$iso" "$rep" env "KILN_JAVA_OPTS=$opts" \
        "$ROOT/kiln" build --cache-dir "$cache" --progress=plain --isolation "$iso" -t "$tag" "$ctx"
    done < <(startup_variants "$jsa")
    measure startup multistage warm buildah "$iso" "$rep" "${bcmd[@]}"
  done
  remove_tree "$store"
  remove_tree "$cache"
}
