# Real-world builds (issue 15): multi-stage apps on Debian bases of 100-400 MB pulled from the
# run's registry, kiln vs `buildah build --layers --isolation chroot`, interleaved (sourced by
# bench/run.sh; BENCH_SECTIONS=realworld).
#
# Bases (bench/realworld/bases/NAME.Dockerfile, pushed as $REGISTRY/kiln-bench/NAME:bookworm):
#   gcc    gcc, libc6-dev                       (C toolchain)
#   node   nodejs, npm                          (Node.js 18, npm 9)
#   maven  openjdk-17-jdk-headless, maven       (Java builder)
#   jre    openjdk-17-jre-headless              (Java runtime)
# Each is a `debootstrap --variant=minbase bookworm` layer, the apt-get layer of its Dockerfile
# (both built by kiln with --isolation chroot) and a layer with the host's CA certificates
# (/usr/local/share/ca-certificates, the /etc/ssl/certs bundle, Java's cacerts), so that RUN steps
# reach the npm registry and Maven Central through a TLS-inspecting proxy if the host has one.
# The first two layers are kept as OCI layouts in $RW_KEEP (default $WORK/keep/realworld, which
# the start of a run does not empty), keyed by a hash of the recipe: later runs only push them and
# add the certificate layer (the certificates may change between boots). BENCH_REALWORLD_REBASE=1
# builds them again.
#
# Apps (bench/realworld/apps/APP, @REGISTRY@ in the Dockerfile replaced by the run's registry):
#   c      gcc builder stage (WORKDIR /app, COPY . ., gcc -static) -> FROM scratch, COPY --from x1
#   node   npm ci, npm run build; runtime stage on the node base with COPY --from x3, USER
#   java   RUN --mount=type=cache,target=/root/.m2 mvn -B package; JRE stage with COPY --from x1
# BENCH_REALWORLD_APPS picks them (default "c node java"; "c" with BENCH_QUICK=1).
#
# Phases, per repetition, app and tool (kiln first in odd repetitions, buildah in even ones):
#   cold      kiln: an empty --cache-dir; buildah: an empty --root/--runroot and TMPDIR (its cache
#             mounts live under TMPDIR); the bases only in the registry; page cache dropped
#   edit      after rewriting the marker `bench-edit-N` in one source file (the CI loop)
#   warm      the same build again, nothing changed, each tool with its default pull policy:
#             both ask the registry for the base's tag (kiln like BuildKit; buildah 1.28's
#             default is --pull=true, "pull if newer", one GET of the manifest)
#   warm-pull-missing  the same with the policy that uses a stored base: kiln --pull=missing,
#             buildah --pull=false ("only pull the image if not present"). The registry's access
#             log says whether each still asked. The warm row stays the one the target judges.
#   push-new  the image to a new repository of the same registry (base layers can be mounted)
#   nocache   the build again with --no-cache (both tools), the bases stored (and, for kiln,
#             unpacked) by the cold build: every step runs, no base is pulled, so a step's time is
#             its own, without the pull and unpack that cold charges to the first step needing the
#             base's files. What issue 15's first table ("--no-cache") and its WORKDIR / USER /
#             COPY --from targets measure.
# Before each repetition the launcher's floor: `kiln --version` and a bare `java -version`
# (lib/startup.sh, measure_launcher_floor).
# kiln runs with --progress=rawjson: the elapsedMillis of its steps go to
# $OUT/realworld-steps.tsv, of the whole build (build.completed) to $OUT/realworld-builds.tsv;
# of a push, the times of its first and last transfer events, placed in the command's wall time,
# to $OUT/realworld-push.tsv. Peak RSS is GNU time's (largest process of
# the tree, which includes npm, javac or Maven in RUN steps) and, in $OUT/realworld-rss.tsv, the
# tool's own process (lib/peak-rss.sh). Whether a rebuild downloaded anything (npm, Maven) goes
# to $OUT/realworld-notes.txt.

RW_DIR=$BENCH_DIR/realworld
RW_KEEP=${BENCH_REALWORLD_KEEP:-$WORK/keep/realworld}
RW_ISOLATION=chroot
RW_NAMESPACE=kiln-bench

rw_apps() {
  if [[ -n ${BENCH_REALWORLD_APPS:-} ]]; then
    echo "$BENCH_REALWORLD_APPS"
  elif [[ $QUICK == 1 ]]; then
    echo c
  else
    echo c node java
  fi
}

# rw_app_info APP: sets RW_EDIT_FILE (the file the edit phase changes), RW_BASES and RW_APP_PATH
# (what the app's last stage adds, compared byte for byte between the tools' images).
rw_app_info() {
  case $1 in
    c) RW_EDIT_FILE=greeting.c RW_BASES="gcc" RW_APP_PATH=main ;;
    node) RW_EDIT_FILE=src/routes.js RW_BASES="node" RW_APP_PATH=app ;;
    java) RW_EDIT_FILE=src/main/java/dev/kiln/bench/app/App.java RW_BASES="maven jre" RW_APP_PATH=app ;;
    *) die "unknown real-world app $1 (known: c node java)" ;;
  esac
}

# ------------------------------------------------------------------ bases

rw_minbase_key() {
  # The recipe of debootstrap_tar (lib/bases.sh): change the text when that changes.
  printf 'debootstrap --variant=minbase bookworm, apt caches emptied %s %s\n' "$DEBIAN_MIRROR" "$(uname -m)" | sha256sum | cut -c1-16
}

rw_base_key() {
  { rw_minbase_key; cat "$RW_DIR/bases/$1.Dockerfile"; } | sha256sum | cut -c1-16
}

rw_layout() { echo "$RW_KEEP/layouts/$1-$(rw_base_key "$1")"; }

# rw_build_raw_bases NAME...: debootstrap (once per recipe) and the apt-get layers of the bases
# that have no layout in $RW_KEEP yet, built by kiln into a scratch store, exported as layouts.
rw_build_raw_bases() {
  local missing=() name
  for name in "$@"; do
    [[ ${BENCH_REALWORLD_REBASE:-0} == 1 ]] && remove_tree "$(rw_layout "$name")"
    [[ -f $(rw_layout "$name")/index.json ]] || missing+=("$name")
  done
  ((${#missing[@]})) || return 0
  mkdir -p "$RW_KEEP/layouts"
  local minbase=$RW_KEEP/minbase-$(rw_minbase_key).tar
  if [[ ! -f $minbase || ${BENCH_REALWORLD_REBASE:-0} == 1 ]]; then
    log "realworld: debootstrap --variant=minbase bookworm (kept in $RW_KEEP)"
    rm -f "$RW_KEEP"/minbase-*.tar
    debootstrap_tar "$minbase"
  fi
  local store=$WORK/rw-seed ctx=$WORK/rw-basectx
  remove_tree "$store"
  remove_tree "$ctx"
  mkdir -p "$ctx/debian"
  ln "$minbase" "$ctx/debian/rootfs.tar" 2>/dev/null || cp "$minbase" "$ctx/debian/rootfs.tar"
  printf 'FROM scratch\nADD rootfs.tar /\nCMD ["bash"]\n' >"$ctx/debian/Dockerfile"
  "$KILN" build --cache-dir "$store" --progress=plain -t rw-debian:bookworm "$ctx/debian" \
    >"$OUT/logs/realworld-base-debian.log" 2>&1 ||
    die "realworld: building the minbase image failed (log: $OUT/logs/realworld-base-debian.log)"
  for name in "${missing[@]}"; do
    log "realworld: building the $name base (apt-get; kept in $RW_KEEP)"
    local layout
    layout=$(rw_layout "$name")
    remove_tree "$layout.tmp"
    mkdir -p "$ctx/$name"
    cp "$RW_DIR/bases/$name.Dockerfile" "$ctx/$name/Dockerfile"
    "$KILN" build --cache-dir "$store" --progress=plain --isolation "$RW_ISOLATION" \
      -t "rw-$name:bookworm" -o "type=oci,tar=false,dest=$layout.tmp" "$ctx/$name" \
      >"$OUT/logs/realworld-base-$name.log" 2>&1 || {
      tail -n 20 "$OUT/logs/realworld-base-$name.log" >&2
      die "realworld: building the $name base failed (log: $OUT/logs/realworld-base-$name.log)"
    }
    # Layouts of older recipes of this base go; the new one takes their place.
    local old
    for old in "$RW_KEEP/layouts/$name"-*; do
      [[ $old == "$layout.tmp" ]] || remove_tree "$old"
    done
    mv "$layout.tmp" "$layout"
  done
  remove_tree "$store"
  remove_tree "$ctx"
}

# The host's CA certificates as a context directory tree for `COPY ca/ /`.
rw_ca_tree() {
  local dir=$1 java=$2
  mkdir -p "$dir/usr/local/share/ca-certificates" "$dir/etc/ssl/certs"
  local crt
  for crt in /usr/local/share/ca-certificates/*.crt; do
    [[ -f $crt ]] && cp "$crt" "$dir/usr/local/share/ca-certificates/"
  done
  [[ -f /etc/ssl/certs/ca-certificates.crt ]] && cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/"
  if [[ $java == 1 && -f /etc/ssl/certs/java/cacerts ]]; then
    mkdir -p "$dir/etc/ssl/certs/java"
    cp /etc/ssl/certs/java/cacerts "$dir/etc/ssl/certs/java/"
  fi
  return 0
}

# rw_publish_bases NAME...: the kept layouts into the registry as kiln-bench/raw-NAME, then
# kiln-bench/NAME with the certificate layer on top (built and pushed by kiln).
rw_publish_bases() {
  local name ctx=$WORK/rw-cactx store=$WORK/rw-castore
  remove_tree "$store"
  for name in "$@"; do
    local layout raw=$REGISTRY/$RW_NAMESPACE/raw-$name:bookworm final=$REGISTRY/$RW_NAMESPACE/$name:bookworm
    layout=$(rw_layout "$name")
    skopeo copy -q --dest-tls-verify=false "oci:$layout:bookworm" "docker://$raw" \
      >"$OUT/logs/realworld-publish-$name.log" 2>&1 ||
      die "realworld: pushing the $name base failed (log: $OUT/logs/realworld-publish-$name.log)"
    remove_tree "$ctx"
    mkdir -p "$ctx"
    local java=0
    [[ $name == maven || $name == jre ]] && java=1
    rw_ca_tree "$ctx/ca" "$java"
    printf 'FROM %s\nCOPY ca/ /\n' "$raw" >"$ctx/Dockerfile"
    "$KILN" build --cache-dir "$store" --progress=plain -t "$final" --push "$ctx" \
      >>"$OUT/logs/realworld-publish-$name.log" 2>&1 || {
      tail -n 20 "$OUT/logs/realworld-publish-$name.log" >&2
      die "realworld: adding the certificate layer to the $name base failed (log: $OUT/logs/realworld-publish-$name.log)"
    }
    local size
    size=$(skopeo inspect --raw --tls-verify=false "docker://$final" 2>/dev/null |
      jq '[.layers[].size] | add' 2>/dev/null || echo 0)
    printf '%s\t%s\n' "$name" "$size" >>"$OUT/realworld-bases.tsv"
    log "realworld: base $final ($((size / 1048576)) MiB compressed)"
  done
  remove_tree "$store"
  remove_tree "$ctx"
}

# ------------------------------------------------------------------ apps

rw_prepare_apps() {
  remove_tree "$WORK/rw"
  mkdir -p "$WORK/rw/ctx" "$WORK/rw/orig"
  local app
  for app in $(rw_apps); do
    rw_app_info "$app"
    cp -a "$RW_DIR/apps/$app" "$WORK/rw/ctx/$app"
    sed -i "s|@REGISTRY@|$REGISTRY|g" "$WORK/rw/ctx/$app/Dockerfile"
    cp "$WORK/rw/ctx/$app/$RW_EDIT_FILE" "$WORK/rw/orig/$app.edit"
  done
}

# rw_edit APP REP: rewrites the edit marker; the build must see a changed file.
rw_edit() {
  local file=$WORK/rw/ctx/$1/$RW_EDIT_FILE
  sed -i "s/bench-edit-[0-9a-z]*/bench-edit-r$2/" "$file"
  cmp -s "$file" "$WORK/rw/orig/$1.edit" && die "realworld: $file has no bench-edit- marker to change"
  return 0
}

rw_restore() { cp "$WORK/rw/orig/$1.edit" "$WORK/rw/ctx/$1/$RW_EDIT_FILE"; }

# rw_kiln_build_cmd CACHE APP [OPTION...]: the build, NUL-separated, with OPTIONs (--no-cache,
# --pull=missing) before the context.
rw_kiln_build_cmd() {
  local cache=$1 app=$2
  shift 2
  printf '%s\0' "$KILN" build --cache-dir "$cache" --progress=rawjson --isolation "$RW_ISOLATION" \
    "$@" -t "bench/rw-$app:kiln" "$WORK/rw/ctx/$app"
}

rw_buildah_build_cmd() {
  local store=$1 app=$2
  shift 2
  printf '%s\0' env "TMPDIR=$store/tmp" buildah --root "$store/root" --runroot "$store/runroot" \
    --storage-driver "$BUILDAH_DRIVER" build --layers --isolation "$RW_ISOLATION" --tls-verify=false \
    "$@" -t "bench/rw-$app:buildah" "$WORK/rw/ctx/$app"
}

# rw_measure APP PHASE TOOL REP < NUL-separated command: measure, plus the tool's own peak RSS
# and, for kiln, its step times.
rw_measure() {
  local app=$1 phase=$2 tool=$3 rep=$4 cmd=()
  mapfile -d '' cmd
  local peak=$OUT/logs/.peak
  rm -f "$peak"
  measure realworld "$app" "$phase" "$tool" "$RW_ISOLATION" "$rep" "$BENCH_DIR/lib/peak-rss.sh" "$peak" "${cmd[@]}"
  printf '%s\t%s\t%s\t%s\t%s\n' "$app" "$phase" "$tool" "$rep" "$(cat "$peak" 2>/dev/null || echo 0)" \
    >>"$OUT/realworld-rss.tsv"
  if [[ $tool == kiln && $phase != push-* ]]; then
    rw_record_steps "$app" "$phase" "$rep" "$LAST_LOG"
    rw_record_build_time "$app" "$phase" "$rep" "$LAST_LOG"
  fi
  [[ $tool == kiln && $phase == push-* ]] && rw_record_push "$app" "$phase" "$rep" "$LAST_LOG"
  rw_record_downloads "$app" "$phase" "$tool" "$rep" "$LAST_LOG"
  return 0
}

# Every completed or cached step of a rawjson log: app, phase, rep, stage, index, status,
# elapsed ms (empty when cached), instruction text (the registry's address as $REGISTRY).
rw_record_steps() {
  local app=$1 phase=$2 rep=$3 logfile=$4
  jq -R -r --arg app "$app" --arg phase "$phase" --arg rep "$rep" --arg reg "$REGISTRY" '
    fromjson? | select(.type == "step.completed" or .type == "step.cached")
    | [$app, $phase, $rep, (.step.stage | tostring), (.step.index | tostring),
       (if .type == "step.cached" then "cached" else "ran" end),
       (.elapsedMillis // "" | tostring),
       (.step.text | gsub("\t"; " ") | split($reg) | join("$REGISTRY"))]
    | @tsv' "$logfile" >>"$OUT/realworld-steps.tsv" 2>/dev/null || true
}

# The build's own time by kiln's clock (elapsedMillis of build.completed) next to the command's
# wall time: the rest is JVM start-up, reading the Dockerfile and options, and exit.
# app, phase, rep, wall ms, build ms.
rw_record_build_time() {
  local app=$1 phase=$2 rep=$3 logfile=$4 build
  build=$(jq -R -r 'fromjson? | select(.type == "build.completed") | .elapsedMillis' "$logfile" 2>/dev/null | tail -n 1)
  [[ -n $build ]] || return 0
  printf '%s\t%s\t%s\t%s\t%s\n' "$app" "$phase" "$rep" $(((LAST_T1_NS - LAST_T0_NS) / 1000000)) "$build" \
    >>"$OUT/realworld-builds.tsv"
}

# Where a kiln push's wall time goes, from its rawjson events (ISO-8601 times, read to the
# millisecond) placed between the command's start and end (measure's LAST_T0_NS, LAST_T1_NS):
# app, phase, rep, wall ms, start to the first transfer event (JVM start, store, the registry's
# answers about blobs it has), first to last transfer event (uploads), last transfer event to
# exit (manifest, tag, JVM exit), transfer events. Empty columns when there was no transfer event.
rw_record_push() {
  local app=$1 phase=$2 rep=$3 logfile=$4 times
  times=$(jq -R -r '
    fromjson? | select(.type == "transfer") | .time
    | capture("^(?<s>[^.Z]+)(\\.(?<f>[0-9]+))?Z$")
    | ((.s + "Z") | fromdate) * 1000 + (((.f // "") + "000")[0:3] | tonumber)
    | floor' "$logfile" 2>/dev/null | sort -n | awk 'NR == 1 { first = $1 } { last = $1; n++ } END { if (n) print first, last, n }')
  local t0=$((LAST_T0_NS / 1000000)) t1=$((LAST_T1_NS / 1000000)) first last n
  if [[ -n $times ]]; then
    read -r first last n <<<"$times"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$app" "$phase" "$rep" $((t1 - t0)) $((first - t0)) \
      $((last - first)) $((t1 - last)) "$n" >>"$OUT/realworld-push.tsv"
  else
    printf '%s\t%s\t%s\t%s\t\t\t\t0\n' "$app" "$phase" "$rep" $((t1 - t0)) >>"$OUT/realworld-push.tsv"
  fi
}

# npm and Maven say what they fetch: a rebuild after the first should fetch nothing.
rw_record_downloads() {
  local app=$1 phase=$2 tool=$3 rep=$4 logfile=$5 n
  [[ $phase == cold || $phase == push-new ]] && return 0
  n=$(grep -c -E 'Downloading from |Downloaded from |npm (http|GET) fetch' "$logfile" || true)
  if ((n > 0)); then
    echo "$app $phase ($tool, repetition $rep): $n download lines in the build output" >>"$OUT/realworld-notes.txt"
  fi
  return 0
}

rw_kiln_sequence() {
  local app=$1 rep=$2 cache=$WORK/rw/kiln-cache
  remove_tree "$cache"
  drop_caches
  rw_measure "$app" cold kiln "$rep" < <(rw_kiln_build_cmd "$cache" "$app")
  rw_edit "$app" "$rep"
  rw_measure "$app" edit kiln "$rep" < <(rw_kiln_build_cmd "$cache" "$app")
  rw_measure "$app" warm kiln "$rep" < <(rw_kiln_build_cmd "$cache" "$app")
  rw_measure "$app" warm-pull-missing kiln "$rep" < <(rw_kiln_build_cmd "$cache" "$app" --pull=missing)
  rw_measure "$app" push-new kiln "$rep" < <(printf '%s\0' "$KILN" push --cache-dir "$cache" \
    --progress=rawjson "bench/rw-$app:kiln" "$REGISTRY/rw-$app-kiln-r$rep:1")
  rw_measure "$app" nocache kiln "$rep" < <(rw_kiln_build_cmd "$cache" "$app" --no-cache)
  rw_restore "$app"
  remove_tree "$cache"
}

rw_buildah_sequence() {
  local app=$1 rep=$2 store=$WORK/rw/buildah
  remove_tree "$store"
  mkdir -p "$store/tmp"
  drop_caches
  rw_measure "$app" cold buildah "$rep" < <(rw_buildah_build_cmd "$store" "$app")
  rw_edit "$app" "$rep"
  rw_measure "$app" edit buildah "$rep" < <(rw_buildah_build_cmd "$store" "$app")
  rw_measure "$app" warm buildah "$rep" < <(rw_buildah_build_cmd "$store" "$app")
  rw_measure "$app" warm-pull-missing buildah "$rep" < <(rw_buildah_build_cmd "$store" "$app" --pull=false)
  rw_measure "$app" push-new buildah "$rep" < <(printf '%s\0' env "TMPDIR=$store/tmp" buildah \
    --root "$store/root" --runroot "$store/runroot" --storage-driver "$BUILDAH_DRIVER" \
    push --tls-verify=false "bench/rw-$app:buildah" "docker://$REGISTRY/rw-$app-buildah-r$rep:1")
  rw_measure "$app" nocache buildah "$rep" < <(rw_buildah_build_cmd "$store" "$app" --no-cache)
  rw_restore "$app"
  remove_tree "$store"
}

# rw_same_file A B: the same bytes, or for jars the same entries with the same bytes: a jar's
# entry times, and the build time Maven writes as a comment into pom.properties, differ between
# any two builds.
rw_same_file() {
  cmp -s "$1" "$2" && return 0
  [[ $1 == *.jar ]] || return 1
  cmp -s <(unzip -Z1 "$1" | sort) <(unzip -Z1 "$2" | sort) || return 1
  local entry
  while IFS= read -r entry; do
    if [[ $entry == *.properties ]]; then
      cmp -s <(unzip -p "$1" "$entry" | grep -v '^#') <(unzip -p "$2" "$entry" | grep -v '^#') || return 1
    else
      cmp -s <(unzip -p "$1" "$entry") <(unzip -p "$2" "$entry") || return 1
    fi
  done < <(unzip -Z1 "$1")
}

# rw_same_tree A B: diff -r, where files differing only as rw_same_file allows count as equal.
rw_same_tree() {
  local line same=0 a b
  while IFS= read -r line; do
    echo "$line"
    if [[ $line =~ ^Files\ (.+)\ and\ (.+)\ differ$ ]]; then
      a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]}
      if rw_same_file "$a" "$b"; then
        echo "  (the same entries and bytes: only entry times or a build-time comment differ)"
        continue
      fi
    fi
    same=1
  done < <(diff -rq --no-dereference "$1" "$2" 2>&1)
  return "$same"
}

# rw_verify APP REP: the images both tools pushed (built from the same edited sources) must hold
# the same files (path, type, mode, owner, size, link target: mtimes differ), the same bytes under
# RW_APP_PATH (jars: the same entries, see rw_same_file) and the same run configuration; the verdict goes to $OUT/realworld-verify.txt. Not
# timed; a difference means a measurement compared unequal work (or a bug), so it is reported.
rw_verify() {
  local app=$1 rep=$2 dir=$WORK/rw/verify tool problems=()
  local report=$OUT/logs/realworld-verify-$app.log
  remove_tree "$dir"
  mkdir -p "$dir"
  : >"$report"
  for tool in kiln buildah; do
    local ref=$REGISTRY/rw-$app-$tool-r$rep:1
    if ! skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$dir/$tool:1" >>"$report" 2>&1 ||
      ! umoci unpack --image "$dir/$tool:1" "$dir/$tool" >>"$report" 2>&1; then
      echo "$app: could not fetch and unpack $tool's image $ref (log: $report)" >>"$OUT/realworld-verify.txt"
      remove_tree "$dir"
      return 0
    fi
    # A directory's size depends on the file system's history, not on the image; a jar's under
    # RW_APP_PATH on the build time Maven writes into it (rw_same_tree compares its entries).
    (cd "$dir/$tool/rootfs" && find . -printf '%y %m %U:%G %s %p -> %l\n' |
      awk -v app="./$RW_APP_PATH/" '$1 == "d" || ($1 == "f" && $5 ~ /\.jar$/ && index($5, app) == 1) { $4 = "-" } { print }' |
      sort -k5) >"$dir/$tool.files"
    skopeo inspect --config "oci:$dir/$tool:1" 2>>"$report" |
      jq -S '.config | {Entrypoint, Cmd, User, WorkingDir, Env, ExposedPorts}' >"$dir/$tool.config"
  done
  local files
  files=$(wc -l <"$dir/kiln.files")
  echo "# files: < kiln, > buildah" >>"$report"
  diff "$dir/kiln.files" "$dir/buildah.files" >>"$report" || problems+=("file lists differ")
  echo "# /$RW_APP_PATH" >>"$report"
  rw_same_tree "$dir/kiln/rootfs/$RW_APP_PATH" "$dir/buildah/rootfs/$RW_APP_PATH" >>"$report" ||
    problems+=("/$RW_APP_PATH differs")
  echo "# config" >>"$report"
  diff "$dir/kiln.config" "$dir/buildah.config" >>"$report" || problems+=("configs differ")
  if ((${#problems[@]})); then
    echo "$app: kiln's and buildah's images differ: $(IFS=';'; echo "${problems[*]}") (details: logs/$(basename "$report"))" >>"$OUT/realworld-verify.txt"
    log "realworld: $app images differ (${problems[*]}); see $report"
  else
    echo "$app: kiln's and buildah's images agree ($files paths with type, mode, owner, size and link target; bytes of /$RW_APP_PATH, jars there by entries; run configuration)" >>"$OUT/realworld-verify.txt"
  fi
  remove_tree "$dir"
}

run_realworld() {
  local apps app bases=() b
  apps=$(rw_apps)
  for app in $apps; do
    rw_app_info "$app"
    for b in $RW_BASES; do
      [[ " ${bases[*]} " == *" $b "* ]] || bases+=("$b")
    done
  done
  log "realworld: apps $apps; bases ${bases[*]}"
  rw_build_raw_bases "${bases[@]}"
  rw_publish_bases "${bases[@]}"
  rw_prepare_apps
  echo "realworld: apps $apps, bases ${bases[*]} (debootstrap bookworm minbase from $DEBIAN_MIRROR), isolation $RW_ISOLATION" >>"$OUT/machine.txt"
  local rep tools tool
  for ((rep = 1; rep <= REPS; rep++)); do
    measure_launcher_floor "$rep"
    for app in $apps; do
      rw_app_info "$app"
      if ((rep % 2 == 1)); then tools="kiln buildah"; else tools="buildah kiln"; fi
      for tool in $tools; do
        log "realworld: repetition $rep/$REPS, $app, $tool"
        "rw_${tool}_sequence" "$app" "$rep"
      done
      ((rep == 1)) && rw_verify "$app" "$rep"
    done
  done
  remove_tree "$WORK/rw"
}
