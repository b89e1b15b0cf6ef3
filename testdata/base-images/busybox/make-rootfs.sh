#!/usr/bin/env bash
# Builds, offline, the root filesystem of a tiny Linux base image from Debian's busybox-static
# package, as a reproducible tar:
#   /bin/busybox, a relative symlink for every applet, /etc/passwd and /etc/group (root, a
#   non-root user "kiln" 1000:1000 in group "users", nobody), /root 0700, /home/kiln, /tmp 1777.
#
# usage: make-rootfs.sh OUT.tar
# The same busybox binary gives the same bytes on every machine: entries are sorted by name,
# owners are numeric, every mtime is SOURCE_DATE_EPOCH (default 0), and the ustar format has no
# extended headers that could carry host metadata.
set -euo pipefail

out=${1:?usage: make-rootfs.sh OUT.tar}
busybox=${BUSYBOX:-/bin/busybox}
epoch=${SOURCE_DATE_EPOCH:-0}

if [[ ! -x $busybox ]]; then
  echo "make-rootfs.sh: $busybox not found; install it with: apt-get install -y busybox-static" >&2
  exit 1
fi
if ldd "$busybox" >/dev/null 2>&1; then
  echo "make-rootfs.sh: $busybox is dynamically linked; the base image needs busybox-static" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-busybox.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
umask 022
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,root,home/kiln,tmp,var}
cp "$busybox" "$root/bin/busybox"

# One symlink per applet, relative so the tree also works when inspected from the host.
"$root/bin/busybox" --list-full | LC_ALL=C sort | while read -r applet; do
  [[ $applet == bin/busybox || -e $root/$applet || -L $root/$applet ]] && continue
  mkdir -p "$root/$(dirname "$applet")"
  case $(dirname "$applet") in
    .) target=bin/busybox ;;
    bin) target=busybox ;;
    sbin) target=../bin/busybox ;;
    *) target=../../bin/busybox ;; # usr/bin, usr/sbin
  esac
  ln -s "$target" "$root/$applet"
done

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
kiln:x:1000:1000:kiln test user:/home/kiln:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
users:x:100:kiln
kiln:x:1000:
nogroup:x:65534:
GROUP

# Modes are set explicitly so the caller's umask cannot change the result.
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod 0644 {} +
chmod 0755 "$root/bin/busybox"
chmod 0700 "$root/root"
chmod 1777 "$root/tmp"

common=(--format=ustar --sort=name --numeric-owner --mtime="@$epoch" --no-acls --no-selinux --no-xattrs)
tmp_out="$out.tmp.$$"
# Everything owned by root, then the user's home appended with the user's ids (GNU tar cannot
# map owners per file without running as root).
tar -C "$root" "${common[@]}" --owner=0 --group=0 --exclude=./home/kiln -cf "$tmp_out" .
tar -C "$root" "${common[@]}" --owner=1000 --group=1000 -rf "$tmp_out" ./home/kiln
mv -f "$tmp_out" "$out"
