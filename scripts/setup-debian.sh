#!/usr/bin/env bash
# Installs what building and testing kiln needs on Debian 12 (bookworm). Idempotent.
# Runs apt-get through sudo when not root. No input is read (safe in CI).
set -euo pipefail

packages=(
  openjdk-17-jdk-headless maven    # build
  docker-registry                  # the registry tests push to and pull from
  skopeo umoci                     # real clients that check kiln's images
  busybox-static                   # the offline base image (testdata/base-images)
  attr                             # getfattr/setfattr: security.* xattrs (capabilities) in layers
  runc                             # the OCI runtime RUN steps use (kiln falls back to chroot)
  util-linux                       # unshare, nsenter, setpriv for the chroot sandbox
  iproute2                         # --network=none in the chroot sandbox (loopback up)
  uidmap                           # newuidmap/newgidmap for rootless RUN with subordinate ids
  buildah                          # differential tests compare kiln's images with buildah's
  openssh-client                   # ssh-agent/ssh-add serve --ssh ID=KEYFILE; tests make keys
  python3-cryptography libsodium23 # OpenSSL and libsodium check kiln's cosign keys and signatures
  gradle                           # Gradle 4.4.1: the Gradle plugin's tests run real builds with it
  podman                           # runs the images the plugins' tests build; loads kiln's archives
  qemu-user-static                 # RUN for linux/arm64 under binfmt_misc emulation
  fish                             # ShellCompletionIT loads kiln's fish completion into real fish
  git ca-certificates
)

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup-debian.sh: run as root or install sudo" >&2; exit 1; }
  sudo=(sudo)
fi

# The arm64 busybox base of the multi-platform tests is unpacked from busybox-static:arm64.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${sudo[@]}" dpkg --add-architecture arm64
  arch_added=1
fi

# qemu-user-static registers its interpreters with binfmt_misc when it is installed, so that must
# be mounted first (containers and minimal systems may not have it); best effort, since an
# unprivileged container cannot.
if [[ ! -e /proc/sys/fs/binfmt_misc/status ]]; then
  "${sudo[@]}" mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup-debian.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi
if [[ -n ${arch_added:-} ]]; then
  "${sudo[@]}" apt-get update -q
fi
# Kept in apt's cache, where the tests' fixture finds it offline (Arm64BusyboxRootfs); only
# downloaded: installed, it would replace the host's busybox.
if ! compgen -G '/var/cache/apt/archives/busybox-static_*_arm64.deb' >/dev/null; then
  (cd /var/cache/apt/archives && "${sudo[@]}" apt-get download -q busybox-static:arm64)
fi

if [[ -e /proc/sys/fs/binfmt_misc/status && ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
  "${sudo[@]}" update-binfmts --enable qemu-aarch64 2>/dev/null \
    || "${sudo[@]}" systemctl restart systemd-binfmt 2>/dev/null || true
fi
if [[ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
  echo "setup-debian.sh: arm64 emulation is not registered; the multi-platform tests need it:" \
    "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc, then reinstall qemu-user-static" >&2
fi
