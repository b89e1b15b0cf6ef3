# Base images, offline, identical for kiln and buildah (sourced by bench/run.sh).
#
# Each base is built once by kiln with SOURCE_DATE_EPOCH=0 (stable digests) into a seed store,
# $WORK/kiln-seed, and exported as an OCI layout, $WORK/bases/<name>/layout. A cold kiln run starts
# from a copy of the seed (so "cold" empties every cache but keeps the base, as a registry pull
# would leave it); a cold buildah run starts from an empty --root into which the same layouts are
# pulled. Neither preparation is timed.
#   busybox:bench       testdata's busybox-static root file system
#   busybox-data:bench  busybox plus 2,000 small files in /usr/share/data (RUN-heavy deletes 1,000)
#   debian:bench        debootstrap --variant=minbase bookworm (BENCH_DEBIAN=1 only)

KILN_SEED=""
BASE_NAMES=()
DEBIAN_MIRROR=${BENCH_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# debootstrap_tar TAR: a `debootstrap --variant=minbase bookworm` root file system as one tar
# (numeric owners, sorted names), for the debian workload and the real-world bases.
debootstrap_tar() {
  local tar=$1 root=$1.rootfs
  remove_tree "$root"
  debootstrap --variant=minbase bookworm "$root" "$DEBIAN_MIRROR" >"$OUT/logs/debootstrap.log" 2>&1 ||
    die "debootstrap failed (log: $OUT/logs/debootstrap.log)"
  # debootstrap keeps the packages it installed and the package lists; Debian's own images do not.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" --numeric-owner --sort=name -cf "$tar.tmp" .
  mv "$tar.tmp" "$tar"
  remove_tree "$root"
}

# kiln_base NAME:TAG DIR: builds DIR into the seed store under NAME:TAG and exports its layout.
kiln_base() {
  local name=$1 dir=$2
  SOURCE_DATE_EPOCH=0 "$KILN" build --cache-dir "$KILN_SEED" --progress=plain -t "$name" "$dir" \
    >"$OUT/logs/base-${name%%:*}.log" 2>&1 || {
    tail -n 20 "$OUT/logs/base-${name%%:*}.log" >&2
    die "building the base image $name failed"
  }
  SOURCE_DATE_EPOCH=0 "$KILN" build --cache-dir "$KILN_SEED" --progress=plain \
    -o "type=oci,tar=false,dest=$dir/layout" -t "$name" "$dir" >>"$OUT/logs/base-${name%%:*}.log" 2>&1 ||
    die "exporting the base image $name failed (log: $OUT/logs/base-${name%%:*}.log)"
  BASE_NAMES+=("$name")
}

prepare_bases() {
  KILN_SEED=$WORK/kiln-seed
  remove_tree "$KILN_SEED"
  local b=$WORK/bases
  remove_tree "$b"
  mkdir -p "$b/busybox" "$b/data/data"

  "$ROOT/testdata/base-images/busybox/make-rootfs.sh" "$b/busybox/rootfs.tar"
  printf 'FROM scratch\nADD rootfs.tar /\nCMD ["/bin/sh"]\n' >"$b/busybox/Dockerfile"
  kiln_base busybox:bench "$b/busybox"

  random_files "$b/data/data" 2000 512
  printf 'FROM busybox:bench\nCOPY data/ /usr/share/data/\n' >"$b/data/Dockerfile"
  kiln_base busybox-data:bench "$b/data"

  if [[ ${BENCH_DEBIAN:-0} == 1 ]]; then
    mkdir -p "$b/debian"
    log "debootstrap --variant=minbase bookworm (BENCH_DEBIAN=1)"
    debootstrap_tar "$b/debian/rootfs.tar"
    printf 'FROM scratch\nADD rootfs.tar /\nCMD ["bash"]\n' >"$b/debian/Dockerfile"
    kiln_base debian:bench "$b/debian"
  fi
}

layout_of() {
  case $1 in
    busybox:bench) echo "$WORK/bases/busybox/layout" ;;
    busybox-data:bench) echo "$WORK/bases/data/layout" ;;
    debian:bench) echo "$WORK/bases/debian/layout" ;;
    *) die "unknown base $1" ;;
  esac
}

# A fresh kiln cache directory holding only the bases.
kiln_reset() {
  local cache=$1
  remove_tree "$cache"
  cp -a "$KILN_SEED" "$cache"
}

BUILDAH_DRIVER=${BENCH_BUILDAH_DRIVER:-overlay}

# buildah with a store of its own: buildah_in DIR ARGS...
buildah_in() {
  local dir=$1
  shift
  buildah --root "$dir/root" --runroot "$dir/runroot" --storage-driver "$BUILDAH_DRIVER" "$@"
}

# An empty buildah store holding only the bases, as localhost/<name>, which is where
# `FROM busybox:bench` with --pull=never finds them.
buildah_reset() {
  local dir=$1 name id
  remove_tree "$dir"
  mkdir -p "$dir"
  for name in "${BASE_NAMES[@]}"; do
    id=$(buildah_in "$dir" pull -q "oci:$(layout_of "$name"):${name#*:}") ||
      die "buildah could not import $name from $(layout_of "$name")"
    buildah_in "$dir" tag "$id" "localhost/$name" >/dev/null
  done
}
