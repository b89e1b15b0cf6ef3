#!/usr/bin/env bash
# peak-rss.sh FILE CMD...: runs CMD and writes to FILE the peak resident set (VmHWM, KiB) of CMD's
# own process, without its children: GNU time's %M is the largest of the whole tree, which for a
# build with RUN steps is often the compiler, npm or Maven running inside, not the build tool.
# The launcher execs java and env execs buildah, so CMD's process is the tool's. VmHWM only grows;
# it is sampled every 20 ms until the process ends, so growth in its last 20 ms can be missed.
# Exits with CMD's status.
set -u
out=$1
shift
"$@" &
pid=$!
peak=0
# read -t on a pipe nobody writes to: a sleep without forking one every 20 ms.
exec {nap}<> <(:)
while :; do
  hwm=""
  state=""
  while read -r key value _; do
    case $key in
      State:) state=$value ;;
      VmHWM:) hwm=$value ;;
    esac
  done 2>/dev/null <"/proc/$pid/status" || break
  [[ -n $hwm ]] && ((hwm > peak)) && peak=$hwm
  # A zombie has no memory left to report (bash may also reap it first: then the file is gone).
  [[ $state == Z || -z $state ]] && break
  read -r -t 0.02 -u "$nap" _ || true
done
rc=0
wait "$pid" || rc=$?
echo "$peak" >"$out"
exit "$rc"
