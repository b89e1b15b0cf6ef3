# The two-platform build: kiln vs `buildah build --platform linux/amd64,linux/arm64 --manifest`
# in the same run (sourced by bench/run.sh; issue 17).
#
# Both tools start from the same two-platform busybox (kiln builds it from Debian's amd64 and
# arm64 busybox-static and pushes it to the run's registry; both pull it from there). The
# Dockerfile has a builder stage on $BUILDPLATFORM (shared by both platforms in kiln) and a
# runtime stage with COPY and RUN per platform, arm64's under binfmt_misc emulation for both
# tools. Phases: cold (empty caches, base not yet pulled) and warm (nothing changed). Needs
# qemu-user-static registered with binfmt_misc and the busybox-static:arm64 package (apt's cache,
# else apt-get download; scripts/setup-debian.sh does both).

MULTIARCH_PLATFORMS=linux/amd64,linux/arm64

# arm64_busybox DIR: unpacks busybox-static:arm64 into DIR and prints its busybox's path.
arm64_busybox() {
  local dir=$1 deb
  mkdir -p "$dir/download"
  deb=$(compgen -G '/var/cache/apt/archives/busybox-static_*_arm64.deb' | head -n 1 || true)
  if [[ -z $deb ]]; then
    (cd "$dir/download" && apt-get download -q busybox-static:arm64 >&2) ||
      die "multiarch: no busybox-static:arm64 package (run scripts/setup-debian.sh)"
    deb=$(compgen -G "$dir/download/*.deb" | head -n 1)
  fi
  dpkg-deb -x "$deb" "$dir/pkg"
  echo "$dir/pkg/bin/busybox"
}

prepare_multiarch() {
  local b=$WORK/multiarch
  remove_tree "$b"
  mkdir -p "$b/base" "$b/ctx"
  [[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] ||
    die "multiarch: arm64 emulation is not registered (install qemu-user-static; mount binfmt_misc)"
  "$ROOT/testdata/base-images/busybox/make-rootfs.sh" "$b/base/rootfs-amd64.tar"
  BUSYBOX=$(arm64_busybox "$b/arm64") \
    "$ROOT/testdata/base-images/busybox/make-rootfs.sh" "$b/base/rootfs-arm64.tar"
  printf 'FROM scratch\nARG TARGETARCH\nADD rootfs-${TARGETARCH}.tar /\nCMD ["/bin/sh"]\n' \
    >"$b/base/Dockerfile"
  MULTIARCH_BASE=$REGISTRY/busybox-multi:bench
  SOURCE_DATE_EPOCH=0 "$KILN" build --cache-dir "$b/seed" --progress=plain \
    --platform "$MULTIARCH_PLATFORMS" -t "$MULTIARCH_BASE" --push "$b/base" \
    >"$OUT/logs/base-busybox-multi.log" 2>&1 ||
    die "multiarch: building the two-platform base failed (log: $OUT/logs/base-busybox-multi.log)"
  random_files "$b/ctx/data" 500 1024
  cat >"$b/ctx/Dockerfile" <<DOCKERFILE
FROM --platform=\$BUILDPLATFORM $MULTIARCH_BASE AS build
RUN seq 1 20000 > /list && gzip -k /list && uname -m > /build-arch
FROM $MULTIARCH_BASE
ARG TARGETARCH
COPY data/ /data/
COPY --from=build /list.gz /build-arch /
RUN uname -m > /arch && gzip -dc /list.gz | wc -l > /count && find /data -type f | wc -l > /files
DOCKERFILE
}

run_multiarch() {
  prepare_multiarch
  local rep ctx=$WORK/multiarch/ctx tool order
  for rep in $(seq "$REPS"); do
    # kiln first in odd repetitions, buildah first in even ones.
    if ((rep % 2 == 1)); then order="kiln buildah"; else order="buildah kiln"; fi
    for tool in $order; do
      "multiarch_$tool" "$ctx" "$rep"
    done
  done
}

multiarch_kiln() {
  local ctx=$1 rep=$2 cache=$WORK/multiarch/kiln-cache
  remove_tree "$cache"
  drop_caches
  local cmd=("$KILN" build --cache-dir "$cache" --progress=plain --isolation chroot
    --platform "$MULTIARCH_PLATFORMS" -t bench/multi:kiln "$ctx")
  measure multiarch two-platform cold kiln chroot "$rep" "${cmd[@]}"
  measure multiarch two-platform warm kiln chroot "$rep" "${cmd[@]}"
  remove_tree "$cache"
}

multiarch_buildah() {
  local ctx=$1 rep=$2 store=$WORK/multiarch/buildah
  remove_tree "$store"
  mkdir -p "$store"
  drop_caches
  local cmd=(buildah --root "$store/root" --runroot "$store/runroot" --storage-driver "$BUILDAH_DRIVER"
    build --layers --isolation chroot --tls-verify=false --platform "$MULTIARCH_PLATFORMS"
    --manifest bench/multi:buildah "$ctx")
  measure multiarch two-platform cold buildah chroot "$rep" "${cmd[@]}"
  measure multiarch two-platform warm buildah chroot "$rep" "${cmd[@]}"
  remove_tree "$store"
}
