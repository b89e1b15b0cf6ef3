#!/usr/bin/env bash
# kiln's benchmarks: kiln beside buildah, skopeo and Jib on the same inputs in the same run, and
# kiln's hot paths beside the machine's own tools. One command, unattended, as root on Debian 12:
#
#   bench/run.sh                         # everything, 5 repetitions; rewrites bench/RESULTS.md
#   BENCH_REPS=3 bench/run.sh            # fewer repetitions
#   BENCH_QUICK=1 bench/run.sh           # smoke run: 1 repetition, small data, short JMH settings
#   BENCH_SECTIONS="builds jmh" bench/run.sh
#   BENCH_REPS=1 BENCH_SECTIONS=realworld BENCH_RESULTS=bench/out/RESULTS.md bench/run.sh
#
# Sections (BENCH_SECTIONS, default all that apply):
#   builds    workloads built by kiln and `buildah build --layers`: cold, warm no-change, touch,
#             edit, push to a new repository, push again (lib/builds.sh)
#   startup   the no-change rebuild under JVM options: AppCDS, C1 only, SerialGC, -Xshare (lib/startup.sh)
#   realworld issue 15's apps on Debian bases of 100-400 MB pulled from the run's registry, kiln vs
#             `buildah build --layers --isolation chroot`: a static C binary (gcc -> scratch), a
#             Node.js service (npm ci, npm run build, runtime stage with COPY --from x3) and a Maven
#             app (cache mount, JRE stage); phases cold, edit one file, no-change (default pull
#             policies, and again with kiln --pull=missing / buildah --pull=false), push,
#             --no-cache with the bases stored;
#             kiln's step times from --progress=rawjson; kiln --version and a bare java -version
#             before each repetition (lib/realworld.sh, bench/realworld). Needs the network: the Debian mirror the first time (the bases
#             are kept in $BENCH_WORK/keep), the npm registry and Maven Central in every cold run.
#             BENCH_QUICK=1 builds the C app only.
#   multiarch a two-platform build (linux/amd64,linux/arm64, arm64's RUN under binfmt_misc
#             emulation): kiln --platform vs `buildah build --platform … --manifest`, cold and warm
#             (lib/multiarch.sh; needs qemu-user-static and busybox-static:arm64)
#   transfer  push and pull of a >= 200 MB multi-layer image: kiln's client vs skopeo copy (lib/transfer.sh)
#   javaapp   the Maven plugin's sample app: kiln:build vs jib-maven-plugin (lib/javaapp.sh)
#   jmh       JMH microbenchmarks next to tar, sha256sum, gzip -6, zstd -3 (lib/jmh.sh, bench/jmh)
#
# Other settings:
#   BENCH_WORKLOADS     default "multistage ctx15 bigctx runheavy", plus "debian" with BENCH_DEBIAN=1
#   BENCH_ISOLATIONS    default "chroot oci" (RUN workloads are measured with each)
#   BENCH_DEBIAN=1      also the Debian workload (debootstrap; needs the Debian mirror)
#   BENCH_JAVA=0|1      the javaapp section off, or required (default: on when maven-plugin exists)
#   BENCH_KILN_MAVEN_SRC  a kiln checkout with the maven-plugin module, if not this one
#   BENCH_WORK          scratch directory (default /var/tmp/kiln-bench; emptied at the start)
#   BENCH_OUT           raw.csv, summary.csv, table.md, logs (default bench/out)
#   BENCH_RESULTS       where the report goes (default bench/RESULTS.md; $BENCH_OUT/RESULTS.md
#                       for quick runs, so a smoke run never replaces the committed results)
#   BENCH_NO_INSTALL=1  do not apt-get anything
#   BENCH_BUILDAH_DRIVER  buildah's storage driver (default overlay)
#   BENCH_DEBIAN_MIRROR   Debian mirror for debootstrap (default http://deb.debian.org/debian)
#   BENCH_REALWORLD_APPS  real-world apps to build (default "c node java"; "c" with BENCH_QUICK=1)
#   BENCH_REALWORLD_KEEP  where the real-world bases are kept between runs (default
#                         $BENCH_WORK/keep/realworld; a run empties BENCH_WORK except keep/)
#   BENCH_REALWORLD_REBASE=1  debootstrap and apt-get the real-world bases again
#   BENCH_KILN          the kiln launcher every section runs (default ./kiln, which builds
#                       cli/target/kiln.jar when sources changed and runs it on the machine's java
#                       with an AppCDS archive), e.g. an unpacked release's bin/kiln (its own Java 25
#                       runtime and AOT cache). The machine section says which ran: its path, java
#                       version and how many of --version's classes came from a CDS/AOT archive.
#                       (The transfer section's TransferMain rows always use cli/target/kiln.jar.)
set -euo pipefail
set -E
trap 'echo "bench: failed at ${BASH_SOURCE[0]}:$LINENO: $BASH_COMMAND (exit $?)" >&2' ERR

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
export LC_ALL=C.UTF-8

QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then REPS=${BENCH_REPS:-1}; else REPS=${BENCH_REPS:-5}; fi
WORK=${BENCH_WORK:-/var/tmp/kiln-bench}
OUT=${BENCH_OUT:-$BENCH_DIR/out}
if [[ $QUICK == 1 ]]; then RESULTS=${BENCH_RESULTS:-$OUT/RESULTS.md}; else RESULTS=${BENCH_RESULTS:-$BENCH_DIR/RESULTS.md}; fi
ISOLATIONS=${BENCH_ISOLATIONS:-chroot oci}
default_workloads="multistage ctx15 bigctx runheavy"
[[ ${BENCH_DEBIAN:-0} == 1 ]] && default_workloads+=" debian"
WORKLOADS=${BENCH_WORKLOADS:-$default_workloads}
SECTIONS=${BENCH_SECTIONS:-builds startup realworld multiarch transfer javaapp jmh}
KILN=${BENCH_KILN:-$ROOT/kiln}

# Sizes: the issue's by default, a tenth or less for a smoke run.
if [[ $QUICK == 1 ]]; then
  CTX15_FILES=1000 BIGCTX_FILES=500 BIGCTX_MIB=20 RUNHEAVY_FILES=2000
  TRANSFER_MIB=40 TRANSFER_LAYERS=4 JMH_CTX_FILES=1000
else
  CTX15_FILES=10000 BIGCTX_FILES=5000 BIGCTX_MIB=200 RUNHEAVY_FILES=20000
  TRANSFER_MIB=208 TRANSFER_LAYERS=4 JMH_CTX_FILES=10000
fi

for lib in common registry workloads bases builds startup realworld multiarch transfer javaapp jmh; do
  # shellcheck source=/dev/null
  . "$BENCH_DIR/lib/$lib.sh"
done

[[ -f $KILN && -x $KILN ]] ||
  die "BENCH_KILN=$KILN is not an executable file: give the path of a kiln launcher, such as bin/kiln of an unpacked release archive"
# An absolute path: the sections run it from other directories.
KILN=$(cd "$(dirname "$KILN")" && pwd)/$(basename "$KILN")

install_packages() {
  [[ ${BENCH_NO_INSTALL:-0} == 1 ]] && return 0
  [[ $(id -u) == 0 ]] || die "run as root: buildah, the sandboxes and drop_caches need it (or BENCH_NO_INSTALL=1 with everything installed)"
  "$ROOT/scripts/setup-debian.sh"
  local extra=(time zstd gzip tar curl coreutils findutils procps)
  [[ ${BENCH_DEBIAN:-0} == 1 ]] && extra+=(debootstrap)
  has_section realworld && extra+=(debootstrap jq unzip)
  local missing=() p
  for p in "${extra[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
  fi
}

has_section() { [[ " $SECTIONS " == *" $1 "* ]]; }

cleanup() {
  stop_registry
  remove_tree "$WORK/buildah"
  remove_tree "$WORK/startup-buildah"
  remove_tree "$WORK/rw"
  remove_tree "$WORK/multiarch"
}

main() {
  install_packages >&2 # stdout is for the table
  command -v /usr/bin/time >/dev/null || die "GNU time is missing (apt-get install -y time)"
  mkdir -p "$WORK" "$OUT"
  # Start from nothing: earlier runs' data, stores and results go; $WORK/keep (the real-world
  # section's Debian bases, minutes of apt-get to make) stays.
  local d
  for d in "$WORK"/*; do
    [[ $d == "$WORK/keep" ]] || remove_tree "$d"
  done
  rm -rf "$OUT/logs" "$OUT"/*.csv "$OUT"/*.tsv "$OUT"/*.txt "$OUT"/*-bytes "$OUT"/*-files
  mkdir -p "$OUT/logs"
  echo "$RAW_HEADER" >"$OUT/raw.csv"
  trap cleanup EXIT

  if [[ $KILN == "$ROOT/kiln" ]]; then
    log "building kiln (./kiln builds cli/target/kiln.jar when sources changed)"
  else
    log "kiln launcher: $KILN (BENCH_KILN)"
  fi
  "$KILN" version >"$OUT/logs/kiln-version.log" 2>&1 || die "$KILN does not run (log: $OUT/logs/kiln-version.log)"
  # picocli answers an unknown subcommand's --help with the root usage and exit 0: look for push in it.
  local usage
  usage=$("$KILN" --help 2>&1 || true)
  grep -qE '^ +push +' <<<"$usage" && KILN_HAS_PUSH=1
  describe_machine
  describe_launcher
  drop_caches
  log "machine: $(sed -n 's/^cpu: //p' "$OUT/machine.txt"); load $(cut -d' ' -f1-3 /proc/loadavg); drop_caches: $DROP_CACHES_RESULT"

  local start_load
  start_load=$(cut -d' ' -f1-3 /proc/loadavg)
  start_registry
  generate_workloads_needed=0
  if has_section builds || has_section startup; then generate_workloads_needed=1; fi
  if ((generate_workloads_needed)) || has_section javaapp; then prepare_bases; fi
  ((generate_workloads_needed)) && generate_workloads

  if has_section builds; then
    run_builds
    run_bigctx_limit
  fi
  has_section startup && run_startup
  has_section realworld && run_realworld
  has_section multiarch && run_multiarch
  if has_section transfer || has_section jmh; then build_jmh; fi
  has_section transfer && run_transfer
  if has_section javaapp && [[ ${BENCH_JAVA:-auto} != 0 ]]; then
    if javaapp_available; then
      run_javaapp
    elif [[ ${BENCH_JAVA:-auto} == 1 ]]; then
      die "javaapp: no maven-plugin module in $ROOT (set BENCH_KILN_MAVEN_SRC to a checkout that has it)"
    else
      log "javaapp: skipped, this checkout has no maven-plugin module (BENCH_KILN_MAVEN_SRC=DIR to use another)"
      echo "skipped: no maven-plugin module in this checkout" >"$OUT/javaapp-skipped"
    fi
  fi
  has_section jmh && run_jmh
  stop_registry

  {
    echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "page cache dropped before cold runs: $DROP_CACHES_RESULT"
    echo "repetitions: $REPS$([[ $QUICK == 1 ]] && echo ' (BENCH_QUICK=1: smoke run, small data)')"
    echo "sections: $SECTIONS; workloads: $WORKLOADS; isolations: $ISOLATIONS"
    echo "kiln push command: $([[ $KILN_HAS_PUSH == 1 ]] && echo yes || echo 'no (pushes are cached builds with --push; the transfer section uses RegistryClient directly)')"
    echo "top CPU users at end (other work on the machine):"
    ps -eo pcpu=,comm= --sort=-pcpu | sed -n 's/^/  /; 1,6p'
  } >>"$OUT/machine.txt"

  java "$BENCH_DIR/lib/Summarize.java" "$OUT" "$RESULTS" "$BENCH_DIR"
  log "done: $OUT/table.md, $OUT/summary.csv, $RESULTS"
}

main "$@"
