package dev.kiln.core.sandbox;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The mount points every step needs, in the order they are mounted. */
final class StepTargets {
  static final String PROC = "/proc";
  static final String DEV = "/dev";
  static final String SYS = "/sys";
  static final String HOSTS = "/etc/hosts";
  static final String RESOLV_CONF = "/etc/resolv.conf";

  private StepTargets() {}

  /** {@code /proc}, {@code /dev}, {@code /sys}, hosts, resolv.conf, then the request's mounts. */
  static List<MountStubs.Target> of(RunRequest request) {
    List<MountStubs.Target> targets = new ArrayList<>();
    targets.add(new MountStubs.Target(PROC, true));
    targets.add(new MountStubs.Target(DEV, true));
    targets.add(new MountStubs.Target(SYS, true));
    targets.add(new MountStubs.Target(HOSTS, false));
    targets.add(new MountStubs.Target(RESOLV_CONF, false));
    for (SandboxMount mount : request.mounts()) {
      boolean directory =
          !(mount instanceof SandboxMount.Bind bind) || Files.isDirectory(bind.source());
      targets.add(new MountStubs.Target(mount.target(), directory));
    }
    return targets;
  }
}
