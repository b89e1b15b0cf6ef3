# JVM start-up: the warm no-change rebuild of the multi-stage workload under JVM options, next to
# buildah's no-change rebuild of the same input (sourced by bench/run.sh).
#
# Variants, round-robin, 2 x BENCH_REPS each, through the launcher (KILN_CDS, KILN_JAVA_OPTS):
#   kiln                   the launcher as it is ($KILN: ./kiln or BENCH_KILN): ./kiln's AppCDS
#                          archive (written once per jar) or a release's AOT cache, and the
#                          serial collector
#   G1                     -XX:+UseG1GC, the JVM's default collector, instead
#   no AppCDS              KILN_CDS=0: only the JDK's default class-data archive (a release's
#                          runtime has none: no archive at all)
#   no CDS at all          KILN_CDS=0 and -Xshare:off
#   C1                     -XX:TieredStopAtLevel=1: less JIT work, much slower peak code (see the
#                          JMH table for what that costs on big layers)
#   before                 KILN_CDS=0 with G1: the launcher before AppCDS and SerialGC

# measure_launcher_floor REP: what every kiln command pays before it does anything, measured in
# the same run as the builds it is part of: `kiln --version` through the launcher, and a bare
# `java -version` of the launcher's JVM (LAUNCHER_JAVA, see describe_launcher). Three of each,
# interleaved: one sample of a 0.3 s command on a busy machine says little.
measure_launcher_floor() {
  local i
  for i in 1 2 3; do
    measure launcher start-up version "kiln --version" - "$1" "$KILN" --version
    measure launcher start-up version "java -version" - "$1" "$LAUNCHER_JAVA" -version
  done
}

startup_variants() {
  printf '%s\n' \
    "kiln|1|" \
    "kiln G1|1|-XX:+UseG1GC" \
    "kiln no AppCDS|0|" \
    "kiln no CDS (-Xshare:off)|0|-Xshare:off" \
    "kiln C1|1|-XX:TieredStopAtLevel=1" \
    "kiln before (no AppCDS; G1)|0|-XX:+UseG1GC" \
    "kiln before + C1|0|-XX:+UseG1GC -XX:TieredStopAtLevel=1"
}

run_startup() {
  [[ " $WORKLOADS " == *" multistage "* ]] || { log "startup: needs the multistage workload, skipped"; return 0; }
  local ctx=$WORK/ctx/multistage cache=$WORK/startup-cache
  local tag=bench/multistage:kiln iso=${ISOLATIONS%% *}
  kiln_reset "$cache"
  "$KILN" build --cache-dir "$cache" --progress=plain --isolation "$iso" -t "$tag" "$ctx" \
    >"$OUT/logs/startup-prepare.log" 2>&1 || die "startup: preparing the cache failed ($OUT/logs/startup-prepare.log)"

  local store=$WORK/startup-buildah
  buildah_reset "$store"
  local bcmd=()
  mapfile -d '' bcmd < <(buildah_build_cmd "$store" "$iso" "$ctx" bench/multistage:buildah)
  "${bcmd[@]}" >"$OUT/logs/startup-buildah-prepare.log" 2>&1 || die "startup: buildah's first build failed"

  local n=$((REPS * 2)) rep name cds opts
  for ((rep = 1; rep <= n; rep++)); do
    log "startup: round $rep/$n"
    measure_launcher_floor "$rep"
    while IFS='|' read -r name cds opts; do
      measure startup multistage warm "$name" "$iso" "$rep" env "KILN_CDS=$cds" "KILN_JAVA_OPTS=$opts" \
        "$KILN" build --cache-dir "$cache" --progress=plain --isolation "$iso" -t "$tag" "$ctx"
    done < <(startup_variants)
    measure startup multistage warm buildah "$iso" "$rep" "${bcmd[@]}"
  done
  remove_tree "$store"
  remove_tree "$cache"
}
