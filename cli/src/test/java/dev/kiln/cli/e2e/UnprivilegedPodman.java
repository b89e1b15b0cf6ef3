package dev.kiln.cli.e2e;

import dev.kiln.testdata.baseimage.BusyboxRootfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests that run kiln in an unprivileged podman container share: how the container is
 * started (podman's default capabilities and seccomp, no {@code --privileged}) and the offline
 * busybox base each user builds first.
 */
public final class UnprivilegedPodman {
  private UnprivilegedPodman() {}

  /**
   * {@code podman run} up to and including {@code --user user}: the host's network (the registry
   * listens on its loopback), limits a pod would have rather than the host's, and /proc unmasked,
   * which a step's own /proc needs (README, "The container image").
   */
  public static List<String> runAs(String user) {
    List<String> args = runMaskedAs(user);
    args.addAll(args.size() - 2, List.of("--security-opt", "unmask=ALL"));
    return args;
  }

  /** As {@link #runAs}, with podman's default masks on /proc. */
  public static List<String> runMaskedAs(String user) {
    return new ArrayList<>(
        List.of(
            "run",
            "--rm",
            "--network",
            "host",
            "--ulimit",
            "nofile=1024:1024",
            "--ulimit",
            "nproc=4096:4096",
            "--user",
            user));
  }

  /**
   * {@code dir/base}: a context that builds the busybox base ({@code kiln build -t busybox:kiln}).
   */
  public static Path writeBusyboxBase(Path dir) throws IOException {
    Path base = Files.createDirectories(dir.resolve("base"));
    Files.copy(BusyboxRootfs.tar(), base.resolve("rootfs.tar"));
    Files.writeString(base.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\n");
    return base;
  }
}
