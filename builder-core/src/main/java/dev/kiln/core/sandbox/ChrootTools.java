package dev.kiln.core.sandbox;

import java.nio.file.Path;

/** The host programs the chroot backend runs, found once; all util-linux or Debian essentials. */
record ChrootTools(
    Path unshare,
    Path nsenter,
    Path setpriv,
    Path mount,
    Path mkdir,
    Path ln,
    Path mknod,
    Path hostname,
    Path ip,
    Path sh,
    java.util.Optional<Path> prlimit) {

  static ChrootTools find() {
    return new ChrootTools(
        HostTools.require("unshare", "util-linux", "to create a step's namespaces"),
        HostTools.require("nsenter", "util-linux", "to enter a step's namespaces"),
        HostTools.require("setpriv", "util-linux", "to drop a step's privileges"),
        HostTools.require("mount", "mount", "to mount a step's /proc, /dev and /sys"),
        HostTools.require("mkdir", "coreutils", "to prepare a step's /dev"),
        HostTools.require("ln", "coreutils", "to prepare a step's /dev"),
        HostTools.require("mknod", "coreutils", "to give a privileged step its devices"),
        HostTools.require("hostname", "hostname", "to set a step's host name"),
        HostTools.find("ip").orElse(Path.of("/sbin/ip")),
        Path.of("/bin/sh"),
        // Only steps with --ulimit need it; they fail with a hint when it is missing.
        HostTools.find("prlimit"));
  }
}
