# The build workloads: kiln vs `buildah build --layers`, interleaved (sourced by bench/run.sh).
#
# For every repetition, workload and isolation, each tool runs the same sequence (kiln first in odd
# repetitions, buildah first in even ones):
#   cold        every cache emptied (kiln: a fresh --cache-dir with only the bases; buildah: a fresh
#               --root/--runroot with only the bases), page cache dropped
#   warm        the same build again, nothing changed
#   touch       after `touch` of one context file (content unchanged)
#   edit        after appending a line to that file
#   push-new    push the image to a new repository of an empty registry
#   push-again  push the unchanged image to the same place again
# The edited file is restored before the other tool starts, so both see the same inputs.
# Workloads without RUN are measured once (isolation "-"); the push phases run for the first
# isolation only, since pushing does not depend on it.

KILN_HAS_PUSH=0

# The commands, one function per tool and phase, so that the exact lines land in RESULTS.md.
kiln_build_cmd() {
  local cache=$1 iso=$2 ctx=$3 tag=$4
  shift 4
  local cmd=("$KILN" build --cache-dir "$cache" --progress=plain)
  [[ $iso != - ]] && cmd+=(--isolation "$iso")
  cmd+=(-t "$tag" "$@" "$ctx")
  printf '%s\0' "${cmd[@]}"
}

buildah_build_cmd() {
  local store=$1 iso=$2 ctx=$3 tag=$4
  [[ $iso == - ]] && iso=chroot
  local cmd=(buildah --root "$store/root" --runroot "$store/runroot" --storage-driver "$BUILDAH_DRIVER"
    build --layers --pull=never --isolation "$iso" -t "$tag" "$ctx")
  printf '%s\0' "${cmd[@]}"
}

# measure_nul SECTION WORKLOAD PHASE TOOL ISO REP < NUL-separated command
measure_nul() {
  local args=("$@") cmd=()
  mapfile -d '' cmd
  measure "${args[@]}" "${cmd[@]}"
}

# reset_registry: empty storage, same port and log, so each push-new starts from nothing.
reset_registry() {
  local port=${REGISTRY#*:}
  stop_registry
  rm -rf "$REGISTRY_STORAGE"
  mkdir -p "$REGISTRY_STORAGE"
  /usr/bin/docker-registry serve "$WORK/registry/config.yml" >>"$REGISTRY_LOG" 2>&1 &
  REGISTRY_PID=$!
  local i
  for i in $(seq 50); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/" 2>/dev/null && return 0
    sleep 0.1
  done
  die "docker-registry did not restart on port $port"
}

kiln_sequence() {
  local wl=$1 iso=$2 rep=$3 push=$4 ctx=$WORK/ctx/$wl cache=$WORK/kiln-cache tag=bench/$wl:kiln
  kiln_reset "$cache"
  drop_caches
  measure_nul builds "$wl" cold kiln "$iso" "$rep" < <(kiln_build_cmd "$cache" "$iso" "$ctx" "$tag")
  measure_nul builds "$wl" warm kiln "$iso" "$rep" < <(kiln_build_cmd "$cache" "$iso" "$ctx" "$tag")
  touch "$ctx/$EDIT_FILE"
  measure_nul builds "$wl" touch kiln "$iso" "$rep" < <(kiln_build_cmd "$cache" "$iso" "$ctx" "$tag")
  echo "edited in repetition $rep" >>"$ctx/$EDIT_FILE"
  measure_nul builds "$wl" edit kiln "$iso" "$rep" < <(kiln_build_cmd "$cache" "$iso" "$ctx" "$tag")
  if [[ $push == 1 ]]; then
    reset_registry
    local ref=$REGISTRY/$wl-kiln:$rep
    if [[ $KILN_HAS_PUSH == 1 ]]; then
      measure builds "$wl" push-new kiln "$iso" "$rep" "$KILN" push --cache-dir "$cache" "$tag" "$ref"
      measure builds "$wl" push-again kiln "$iso" "$rep" "$KILN" push --cache-dir "$cache" "$tag" "$ref"
    else
      # No `kiln push` yet: the build (all cached) with --push.
      measure_nul builds "$wl" push-new kiln "$iso" "$rep" < <(kiln_build_cmd "$cache" "$iso" "$ctx" "$ref" --push)
      measure_nul builds "$wl" push-again kiln "$iso" "$rep" < <(kiln_build_cmd "$cache" "$iso" "$ctx" "$ref" --push)
    fi
  fi
  cp "$WORK/ctx-orig/$wl.edit" "$ctx/$EDIT_FILE"
}

buildah_sequence() {
  local wl=$1 iso=$2 rep=$3 push=$4 ctx=$WORK/ctx/$wl store=$WORK/buildah tag=bench/$wl:buildah
  buildah_reset "$store"
  drop_caches
  measure_nul builds "$wl" cold buildah "$iso" "$rep" < <(buildah_build_cmd "$store" "$iso" "$ctx" "$tag")
  measure_nul builds "$wl" warm buildah "$iso" "$rep" < <(buildah_build_cmd "$store" "$iso" "$ctx" "$tag")
  touch "$ctx/$EDIT_FILE"
  measure_nul builds "$wl" touch buildah "$iso" "$rep" < <(buildah_build_cmd "$store" "$iso" "$ctx" "$tag")
  echo "edited in repetition $rep" >>"$ctx/$EDIT_FILE"
  measure_nul builds "$wl" edit buildah "$iso" "$rep" < <(buildah_build_cmd "$store" "$iso" "$ctx" "$tag")
  if [[ $push == 1 ]]; then
    reset_registry
    local ref=docker://$REGISTRY/$wl-buildah:$rep
    local b=(buildah --root "$store/root" --runroot "$store/runroot" --storage-driver "$BUILDAH_DRIVER")
    measure builds "$wl" push-new buildah "$iso" "$rep" "${b[@]}" push --tls-verify=false "$tag" "$ref"
    measure builds "$wl" push-again buildah "$iso" "$rep" "${b[@]}" push --tls-verify=false "$tag" "$ref"
  fi
  cp "$WORK/ctx-orig/$wl.edit" "$ctx/$EDIT_FILE"
  remove_tree "$store"
}

generate_workloads() {
  local wl
  remove_tree "$WORK/ctx"
  mkdir -p "$WORK/ctx" "$WORK/ctx-orig"
  for wl in $WORKLOADS; do
    mkdir -p "$WORK/ctx/$wl"
    case $wl in
      multistage) gen_multistage "$WORK/ctx/$wl" ;;
      ctx15) gen_ctx15 "$WORK/ctx/$wl" "$CTX15_FILES" ;;
      bigctx) gen_bigctx "$WORK/ctx/$wl" "$BIGCTX_FILES" "$BIGCTX_MIB" ;;
      runheavy) gen_runheavy "$WORK/ctx/$wl" "$RUNHEAVY_FILES" ;;
      debian) gen_debian "$WORK/ctx/$wl" ;;
      *) die "unknown workload $wl (known: multistage ctx15 bigctx runheavy debian)" ;;
    esac
    (
      . "$WORK/ctx/$wl/.bench"
      cp "$WORK/ctx/$wl/$EDIT_FILE" "$WORK/ctx-orig/$wl.edit"
    )
    # .bench is bookkeeping, not context: keep it out of both tools' view.
    mv "$WORK/ctx/$wl/.bench" "$WORK/ctx-orig/$wl.bench"
    log "workload $wl: $(find "$WORK/ctx/$wl" -type f | wc -l) files, $(du -sh "$WORK/ctx/$wl" | cut -f1)"
  done
}

run_builds() {
  local rep wl iso first push tools
  for ((rep = 1; rep <= REPS; rep++)); do
    for wl in $WORKLOADS; do
      local EDIT_FILE HAS_RUN BASE
      . "$WORK/ctx-orig/$wl.bench"
      local isolations=-
      [[ $HAS_RUN == 1 ]] && isolations=$ISOLATIONS
      first=1
      for iso in $isolations; do
        push=$first
        first=0
        if ((rep % 2 == 1)); then tools="kiln buildah"; else tools="buildah kiln"; fi
        local tool
        for tool in $tools; do
          log "builds: repetition $rep/$REPS, $wl, isolation $iso, $tool"
          "${tool}_sequence" "$wl" "$iso" "$rep" "$push"
        done
      done
    done
  done
}

# The practical limit for big-context layer creation: GNU tar piped into gzip -6 over the same
# context, with its CPU time, next to kiln's cold build of it.
run_bigctx_limit() {
  [[ " $WORKLOADS " == *" bigctx "* ]] || return 0
  local rep
  for ((rep = 1; rep <= REPS; rep++)); do
    drop_caches
    measure builds bigctx cold "tar | gzip -6" - "$rep" sh -c 'tar -C "$1" -cf - . | gzip -6 > /dev/null' sh "$WORK/ctx/bigctx"
  done
  du -sb --apparent-size "$WORK/ctx/bigctx" | cut -f1 >"$OUT/bigctx-bytes"
}
