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
  podman                           # runs the images the plugins' tests build
  git ca-certificates
)

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup-debian.sh: run as root or install sudo" >&2; exit 1; }
  sudo=(sudo)
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
