# Measurement and bookkeeping shared by every part of bench/run.sh (sourced).
#
# Every measured command becomes one row of $OUT/raw.csv (and its output $LAST_LOG):
#   section,workload,phase,tool,isolation,rep,wall_s,cpu_s,rss_kib,requests,blobs_up,mounts,
#   bytes_up,bytes_down,exit,load1
# wall_s comes from the monotonic clock around the command; cpu_s (user+sys) and rss_kib (peak
# resident set of the command or its largest waited-for child) from GNU time; the registry columns
# from the access-log lines the command caused (see registry.sh). load1 is the 1-minute load
# average just before the command, so a reader can see how busy the machine was.

RAW_HEADER="section,workload,phase,tool,isolation,rep,wall_s,cpu_s,rss_kib,requests,blobs_up,mounts,bytes_up,bytes_down,exit,load1"

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
  printf 'bench: %s\n' "$*" >&2
  exit 1
}

# The command as a copy-pasteable line, with the run's directories replaced by names the
# RESULTS.md legend explains.
show_command() {
  # lib/peak-rss.sh FILE CMD... only watches CMD: the line shows CMD.
  [[ $1 == "$BENCH_DIR/lib/peak-rss.sh" ]] && shift 2
  local line
  line=$(printf '%q ' "$@")
  line=${line% }
  line=${line//"$WORK"/\$WORK}
  [[ -n ${KILN:-} && $KILN != "$ROOT/kiln" ]] && line=${line//"$KILN"/\$BENCH_KILN}
  line=${line//"$ROOT"/.}
  [[ -n ${REGISTRY:-} ]] && line=${line//"$REGISTRY"/\$REGISTRY}
  printf '%s' "$line"
}

# remember_command SECTION WORKLOAD PHASE TOOL ISOLATION CMD...: the first command of each row
# key goes to $OUT/commands.tsv, from which RESULTS.md lists the exact commands.
remember_command() {
  local key="$1|$2|$3|$4|$5"
  shift 5
  grep -qF -- "$key"$'\t' "$OUT/commands.tsv" 2>/dev/null && return 0
  printf '%s\t%s\n' "$key" "$(show_command "$@")" >>"$OUT/commands.tsv"
}

# measure SECTION WORKLOAD PHASE TOOL ISOLATION REP CMD...: runs CMD once, appends its row.
# Output goes to $OUT/logs/. A failing command is recorded with its exit code (the summary leaves
# it out and says so) and reported here; the run goes on.
measure() {
  local section=$1 workload=$2 phase=$3 tool=${4//,/;} isolation=$5 rep=$6
  shift 6
  remember_command "$section" "$workload" "$phase" "$tool" "$isolation" "$@"
  local name="$section-$workload-$phase-$tool-$isolation-r$rep"
  name=${name//[^A-Za-z0-9._=-]/_}
  local logfile="$OUT/logs/$name.log" timefile="$OUT/logs/.time" mark=0
  LAST_LOG=$logfile
  [[ -n ${REGISTRY_LOG:-} && -f $REGISTRY_LOG ]] && mark=$(wc -l <"$REGISTRY_LOG")
  local load1
  read -r load1 _ </proc/loadavg
  local t0 t1 rc=0
  t0=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$timefile" "$@" </dev/null >"$logfile" 2>&1 || rc=$?
  t1=$(date +%s%N)
  # For callers that place the command's own timestamps (rawjson events) in its wall time.
  LAST_T0_NS=$t0 LAST_T1_NS=$t1
  local rss=0 user=0 sys=0
  # GNU time writes "Command exited with non-zero status N" first when the command fails.
  read -r rss user sys < <(tail -n 1 "$timefile") || true
  local reg="0,0,0,0,0"
  if [[ -n ${REGISTRY_LOG:-} && -f $REGISTRY_LOG ]]; then
    sleep 0.2 # the registry writes its access line after the response has gone out
    reg=$(registry_usage "$mark")
  fi
  local wall cpu
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$section" "$workload" "$phase" "$tool" \
    "$isolation" "$rep" "$wall" "$cpu" "$rss" "$reg" "$rc" "$load1" >>"$OUT/raw.csv"
  if ((rc != 0)); then
    log "FAILED ($rc): $name; last lines of $logfile:"
    tail -n 15 "$logfile" >&2
  else
    log "$name: ${wall}s wall, ${cpu}s cpu, $((rss / 1024)) MiB, registry $reg"
  fi
  return 0
}

# Empties the kernel's page cache so a cold run reads from disk. Needs root and a kernel that
# allows it (containers often do not); whether it worked goes into RESULTS.md.
DROP_CACHES_RESULT="not tried"
drop_caches() {
  sync
  if echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
    DROP_CACHES_RESULT="yes (sync; echo 3 > /proc/sys/vm/drop_caches before every cold run)"
  else
    DROP_CACHES_RESULT="no: writing /proc/sys/vm/drop_caches failed, cold runs may find files in the page cache"
  fi
}

# Unmounts whatever is still mounted below DIR (buildah overlay mounts), deepest first, then
# removes DIR.
remove_tree() {
  local dir=$1
  [[ -e $dir ]] || return 0
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$dir"
}

# Writes $OUT/machine.txt: what the numbers were measured on.
describe_machine() {
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "kiln commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- . ':!bench' 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r), $(uname -m)"
    echo "cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores online"
    echo "memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "work dir: $WORK on $(df -PT "$WORK" | awk 'NR == 2 { print $2 " (" $1 ")" }')"
    echo "java on PATH: $(java -version 2>&1 | head -n 2 | tail -n 1) (kiln's own JVM: see kiln launcher below)"
    echo "buildah: $(buildah --version 2>/dev/null | awk '{ print $3 }'), storage driver $BUILDAH_DRIVER"
    echo "skopeo: $(skopeo --version 2>/dev/null | awk '{ print $3 }')"
    echo "docker-registry: $(dpkg-query -W -f='${Version}' docker-registry 2>/dev/null)"
    echo "runc: $(runc --version 2>/dev/null | head -n 1 | awk '{ print $3 }')"
    echo "gzip: $(gzip --version | head -n 1 | awk '{ print $2 }'), zstd: $(zstd --version | grep -o 'v[0-9.]*' | head -n 1), tar: $(tar --version | head -n 1 | awk '{ print $4 }')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  } >"$OUT/machine.txt"
}

# Writes to $OUT/machine.txt which kiln launcher ran ($KILN: ./kiln or BENCH_KILN) and on what:
# the JVM it starts (java.home, java.version), the class-data options it passes (AppCDS
# -XX:SharedArchiveFile, a Java 25 -XX:AOTCache), and how many of the classes `kiln --version`
# loads come from such an archive. Through KILN_JAVA_OPTS, which both launchers append to their
# own options. Sets LAUNCHER_JAVA to that JVM's java, whose bare -version is the start-up floor.
LAUNCHER_JAVA=java
describe_launcher() {
  local dir=$OUT/logs/launcher
  mkdir -p "$dir"
  KILN_JAVA_OPTS="-XshowSettings:properties -XX:+PrintCommandLineFlags -Xlog:class+load=info:file=$dir/classes.log" \
    "$KILN" --version >"$dir/stdout.log" 2>"$dir/stderr.log" || true
  local home version flags archive loaded shared
  home=$(sed -n 's/^ *java\.home = //p' "$dir/stderr.log" | head -n 1)
  version=$(sed -n 's/^ *java\.runtime\.version = //p' "$dir/stderr.log" | head -n 1)
  flags=$(grep -m 1 -e '-XX:' "$dir/stdout.log" || true)
  archive=$(grep -o -e '-XX:SharedArchiveFile=[^ ]*' -e '-XX:AOTCache=[^ ]*' <<<"$flags" | head -n 1 || true)
  loaded=$(grep -c 'source:' "$dir/classes.log" 2>/dev/null || true)
  shared=$(grep -c 'source: shared objects file' "$dir/classes.log" 2>/dev/null || true)
  [[ -x $home/bin/java ]] && LAUNCHER_JAVA=$home/bin/java
  {
    if [[ $KILN == "$ROOT/kiln" ]]; then
      echo "kiln launcher: ./kiln (this checkout's cli/target/kiln.jar on the machine's java)"
    else
      echo "kiln launcher: $KILN (BENCH_KILN)"
    fi
    echo "kiln version: $(grep -E '^(kiln |commit:)' "$OUT/logs/kiln-version.log" 2>/dev/null | tr -s '\n ' ' ')"
    echo "launcher's JVM: java ${version:-unknown} at ${home:-unknown}"
    if [[ -n $archive ]]; then
      echo "class-data archive: ${archive%%=*} ($(basename "${archive#*=}")); ${shared:-?} of the ${loaded:-?} classes kiln --version loads came from the JDK's or kiln's archive"
    else
      echo "class-data archive: none of kiln's (no -XX:SharedArchiveFile or -XX:AOTCache); ${shared:-?} of the ${loaded:-?} classes kiln --version loads came from the JDK's default archive"
    fi
  } >>"$OUT/machine.txt"
}
