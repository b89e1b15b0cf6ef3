# The Java-app workload: the Maven plugin's sample application built and pushed by kiln:build and
# by jib-maven-plugin, interleaved (sourced by bench/run.sh).
#
# Needs a kiln checkout with the maven-plugin module: this one, or BENCH_KILN_MAVEN_SRC=DIR. It
# runs when that module exists (BENCH_JAVA=0 turns it off, BENCH_JAVA=1 makes its absence an
# error). The plugin is staged the way its own integration tests stage it (maven-invoker-plugin
# into maven-plugin/target/it-repo); the sample builds use a copy of that repository as their local
# repository, with ~/.m2/repository as a read-only file:// repository behind it and Maven Central
# behind that (for jib-maven-plugin), so ~/.m2 is never written.
#
# Both tools take the base image from the registry (busybox:bench pushed there once) and push to a
# new repository per repetition (the cold run uploads everything but the base layer, which both
# mount). Phases, each one `mvn` command:
#   cold    kiln: empty --cache-dir; Jib: empty base-image and application caches; after mvn clean
#   warm    the same command again, nothing changed
#   clean   `mvn clean package …`: every class and jar rebuilt, same content
#   edit    after a one-line change in App.java

JAVAAPP_SRC=""

javaapp_available() {
  local src=${BENCH_KILN_MAVEN_SRC:-$ROOT}
  [[ -d $src/maven-plugin/src/it/java-app ]] && JAVAAPP_SRC=$src
  [[ -n $JAVAAPP_SRC ]]
}

prepare_javaapp() {
  local dir=$WORK/javaapp version
  remove_tree "$dir"
  mkdir -p "$dir"
  log "javaapp: staging kiln-maven-plugin from $JAVAAPP_SRC (maven-plugin/target/it-repo)"
  (cd "$JAVAAPP_SRC" && mvn -B -q -Dstyle.color=never -DskipTests -Dspotless.check.skip=true \
    -Denforcer.skip=true -pl maven-plugin -am verify) >"$OUT/logs/javaapp-stage.log" 2>&1 || {
    tail -n 30 "$OUT/logs/javaapp-stage.log" >&2
    die "javaapp: staging the Maven plugin failed (log: $OUT/logs/javaapp-stage.log)"
  }
  version=$(awk -F'[<>]' '/<version>/ { print $3; exit }' "$JAVAAPP_SRC/pom.xml")
  cp -a "$JAVAAPP_SRC/maven-plugin/target/it-repo" "$dir/m2"
  cp -a "$JAVAAPP_SRC/maven-plugin/src/it/java-app" "$dir/app"
  sed -i "s/@project.version@/$version/g" "$dir/app/pom.xml" "$dir/app/pom-jib.xml"
  cat >"$dir/settings.xml" <<EOF
<settings>
  <profiles>
    <profile>
      <id>outer-repository</id>
      <repositories>
        <repository>
          <id>outer-local</id>
          <url>file://$HOME/.m2/repository</url>
          <releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases>
          <snapshots><enabled>false</enabled></snapshots>
        </repository>
      </repositories>
      <pluginRepositories>
        <pluginRepository>
          <id>outer-local</id>
          <url>file://$HOME/.m2/repository</url>
          <releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases>
          <snapshots><enabled>false</enabled></snapshots>
        </pluginRepository>
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>outer-repository</activeProfile></activeProfiles>
</settings>
EOF
  skopeo copy -q --dest-tls-verify=false "oci:$(layout_of busybox:bench):bench" "docker://$REGISTRY/busybox:bench" ||
    die "javaapp: pushing the base image failed"
  # One untimed run of each, so that Maven has every plugin in the bench repository.
  javaapp_mvn kiln "$dir/kiln-cache" package "kiln:build" "-Dimage=$REGISTRY/javaapp-warmup:1" \
    >"$OUT/logs/javaapp-warmup-kiln.log" 2>&1 || die "javaapp: the warm-up kiln:build failed (log: $OUT/logs/javaapp-warmup-kiln.log)"
  javaapp_mvn jib "$dir/jib-cache" package "jib:build" "-Dimage=$REGISTRY/javaapp-warmup-jib:1" \
    >"$OUT/logs/javaapp-warmup-jib.log" 2>&1 || die "javaapp: the warm-up jib:build failed (log: $OUT/logs/javaapp-warmup-jib.log)"
  cp "$dir/app/src/main/java/dev/kiln/sample/App.java" "$dir/App.java.orig"
}

# javaapp_cmd TOOL CACHE MVN-ARGS...: the mvn command line, NUL-separated.
javaapp_cmd() {
  local tool=$1 cache=$2 dir=$WORK/javaapp
  shift 2
  # Not -q: the logs (with times) show what each tool did.
  local cmd=(mvn -B -Dstyle.color=never -Dorg.slf4j.simpleLogger.showDateTime=true
    -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS -s "$dir/settings.xml" "-Dmaven.repo.local=$dir/m2"
    "-Dbase.image=$REGISTRY/busybox:bench")
  if [[ $tool == kiln ]]; then
    cmd+=(-f "$dir/app/pom.xml" "-Dkiln.cacheDir=$cache")
  else
    cmd+=(-f "$dir/app/pom-jib.xml" "-Djib.baseImageCache=$cache/base" "-Djib.applicationCache=$cache/app")
  fi
  printf '%s\0' "${cmd[@]}" "$@"
}

javaapp_mvn() {
  local cmd=()
  mapfile -d '' cmd < <(javaapp_cmd "$@")
  "${cmd[@]}"
}

# The seconds between the image goal's first log line and BUILD SUCCESS, from Maven's timestamps:
# the image tool's share of the mvn run. Appended to $OUT/javaapp-goal.csv.
record_goal_time() {
  local tool=$1 phase=$2 rep=$3 log=$4 seconds
  seconds=$(awk -v plugin="--- $tool-maven-plugin" '
    function t(s) { split(s, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
    index($0, plugin) && !start { start = t($1) }
    /\[INFO\] BUILD SUCCESS/ && start { end = t($1) }
    END { if (start && end) printf "%.3f", end - start }' "$log")
  [[ -n $seconds ]] && echo "$tool,$phase,$rep,$seconds" >>"$OUT/javaapp-goal.csv"
  return 0
}

javaapp_phase() {
  local tool=$1 phase=$2 rep=$3
  shift 3
  measure_nul javaapp java-app "$phase" "$tool" - "$rep"
  record_goal_time "$tool" "$phase" "$rep" "$LAST_LOG"
}

javaapp_sequence() {
  local tool=$1 rep=$2 dir=$WORK/javaapp goal
  local cache=$dir/$tool-cache ref=$REGISTRY/javaapp-$tool-r$rep:1 app=$dir/app/src/main/java/dev/kiln/sample/App.java
  [[ $tool == kiln ]] && goal=kiln:build || goal=jib:build
  remove_tree "$cache"
  cp "$dir/App.java.orig" "$app"
  javaapp_mvn "$tool" "$cache" clean >/dev/null 2>&1 || true
  drop_caches
  javaapp_phase "$tool" cold "$rep" < <(javaapp_cmd "$tool" "$cache" package "$goal" "-Dimage=$ref")
  javaapp_phase "$tool" warm "$rep" < <(javaapp_cmd "$tool" "$cache" package "$goal" "-Dimage=$ref")
  javaapp_phase "$tool" clean "$rep" < <(javaapp_cmd "$tool" "$cache" clean package "$goal" "-Dimage=$ref")
  # A one-line change: the greeting App prints (or, should the sample change, a new constant).
  sed -i 's/"hello, "/"hello (edit '"$rep"'), "/' "$app"
  if cmp -s "$app" "$dir/App.java.orig"; then
    sed -i '$ d' "$app"
    printf '  static final String EDIT = "repetition %s";\n}\n' "$rep" >>"$app"
  fi
  javaapp_phase "$tool" edit "$rep" < <(javaapp_cmd "$tool" "$cache" package "$goal" "-Dimage=$ref")
  cp "$dir/App.java.orig" "$app"
}

run_javaapp() {
  echo "javaapp: kiln-maven-plugin from $JAVAAPP_SRC$(git -C "$JAVAAPP_SRC" log -1 --format=' (commit %h: %s)' 2>/dev/null | cut -c1-100)" >>"$OUT/machine.txt"
  prepare_javaapp
  local rep
  for ((rep = 1; rep <= REPS; rep++)); do
    log "javaapp: repetition $rep/$REPS"
    if ((rep % 2 == 1)); then
      javaapp_sequence kiln "$rep"
      javaapp_sequence jib "$rep"
    else
      javaapp_sequence jib "$rep"
      javaapp_sequence kiln "$rep"
    fi
  done
}
