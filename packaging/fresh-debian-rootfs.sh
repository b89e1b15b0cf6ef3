#!/usr/bin/env bash
# Writes DEST (a tar) holding a fresh Debian 12 as the release must run on it: debootstrap's
# minbase (the Essential packages and apt) plus ca-certificates, nothing else: no Java, no attr,
# no runc, no iproute2. ReleaseArchiveIT unpacks it as a chroot and runs the release inside.
# Needs root, debootstrap and a Debian mirror (MIRROR, default http://deb.debian.org/debian).
#
# Usage: packaging/fresh-debian-rootfs.sh DEST.tar
set -euo pipefail
dest=${1:?usage: fresh-debian-rootfs.sh DEST.tar}
mirror=${MIRROR:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null || { echo "fresh-debian-rootfs.sh: apt-get install debootstrap" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fresh-debian.XXXXXX")
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include=ca-certificates bookworm "$work/rootfs" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
# apt's package lists and caches are not part of a machine's state that matters here.
rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
mkdir -p "$(dirname "$dest")"
tar --numeric-owner -C "$work/rootfs" -cf "$dest.tmp" .
mv -f "$dest.tmp" "$dest"
