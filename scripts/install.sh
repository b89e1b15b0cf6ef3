#!/bin/sh
# Installs a kiln release archive (kiln-<version>-linux-<arch>.tar.gz) under a prefix:
#
#   PREFIX/lib/kiln/                               the release, as unpacked
#   PREFIX/bin/kiln                                -> ../lib/kiln/bin/kiln
#   PREFIX/share/man/man1/kiln*.1                  -> the release's man pages
#   PREFIX/share/bash-completion/completions/kiln  -> its completion script
#   PREFIX/share/fish/vendor_completions.d/kiln.fish -> its fish completion
#
# Usage: scripts/install.sh [--prefix DIR] [ARCHIVE]
#        scripts/install.sh [--prefix DIR] --uninstall
#   --prefix  where to install (default: /usr/local; ~/.local needs no root)
#   ARCHIVE   the release archive (default: the only kiln-*-linux-*.tar.gz in the current
#             directory); when ARCHIVE.sha256 is beside it, the archive must match it
#
# Idempotent and never asks: running it again, with the same or another version, replaces the
# installed kiln in one rename, so a kiln that is running keeps its files until it exits.
# Needs only sh, tar, gzip and coreutils.
set -eu

prefix=/usr/local
archive=
uninstall=false
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
              prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --uninstall) uninstall=true; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) archive=$1; shift ;;
  esac
done
case $prefix in /*) ;; *) prefix=$(pwd)/$prefix ;; esac

home=$prefix/lib/kiln
bin=$prefix/bin/kiln
man1=$prefix/share/man/man1
completion=$prefix/share/bash-completion/completions/kiln
fish_completion=$prefix/share/fish/vendor_completions.d/kiln.fish

# Removes the links this script made: those that point into PREFIX/lib/kiln.
remove_links() {
  for link in "$bin" "$completion" "$fish_completion" "$man1"/kiln*.1; do
    if [ -L "$link" ]; then
      case $(readlink "$link") in *lib/kiln/*) rm -f "$link" ;; esac
    fi
  done
}

if $uninstall; then
  remove_links
  rm -rf "$home"
  echo "install.sh: removed kiln from $prefix"
  exit 0
fi

if [ -z "$archive" ]; then
  set -- kiln-*-linux-*.tar.gz
  if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    found=none
    [ -f "$1" ] && found=$#
    echo "install.sh: name the release archive (kiln-<version>-linux-<arch>.tar.gz);" \
      "the current directory holds $found" >&2
    exit 2
  fi
  archive=$1
fi
[ -f "$archive" ] || { echo "install.sh: $archive: no such file" >&2; exit 2; }
if [ -f "$archive.sha256" ]; then
  expected=$(cut -d' ' -f1 "$archive.sha256")
  actual=$(sha256sum "$archive" | cut -d' ' -f1)
  if [ "$expected" != "$actual" ]; then
    echo "install.sh: $archive does not match $archive.sha256 (download it again)" >&2
    exit 1
  fi
fi

mkdir -p "$prefix/lib" "$prefix/bin" "$man1" "$(dirname "$completion")" \
  "$(dirname "$fish_completion")" 2>/dev/null || true
if [ ! -w "$prefix/lib" ] || [ ! -w "$prefix/bin" ]; then
  echo "install.sh: cannot write to $prefix; run it as root, or choose another place:" \
    "--prefix \$HOME/.local" >&2
  exit 1
fi

# Unpack beside the installed copy (same file system), then swap directories by renaming. tar
# keeps the files' times, which the AOT cache in lib/ checks against the jar.
new=$prefix/lib/.kiln.new.$$
old=$prefix/lib/.kiln.old.$$
trap 'rm -rf "$new" "$old"' EXIT
mkdir "$new"
tar -xzf "$archive" -C "$new" --no-same-owner
set -- "$new"/*
if [ $# -ne 1 ] || [ ! -x "$1/bin/kiln" ] || [ ! -x "$1/runtime/bin/java" ]; then
  echo "install.sh: $archive is not a kiln release archive (no kiln-*/bin/kiln in it)" >&2
  exit 1
fi
"$1/bin/kiln" --version >/dev/null || {
  echo "install.sh: the kiln in $archive does not run on this machine" >&2
  exit 1
}
if [ -e "$home" ]; then mv "$home" "$old"; fi
mv "$1" "$home"

remove_links
ln -s ../lib/kiln/bin/kiln "$bin"
for page in "$home"/share/man/man1/*.1; do
  [ -f "$page" ] && ln -s "../../../lib/kiln/share/man/man1/$(basename "$page")" "$man1/$(basename "$page")"
done
ln -s ../../../lib/kiln/share/bash-completion/completions/kiln "$completion"
# Archives made before fish completion was added have none to link.
if [ -f "$home/share/fish/vendor_completions.d/kiln.fish" ]; then
  ln -s ../../../lib/kiln/share/fish/vendor_completions.d/kiln.fish "$fish_completion"
fi

echo "install.sh: installed $("$bin" --version | head -n 1) in $prefix ($bin)"
