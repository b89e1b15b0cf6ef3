package dev.kiln.testdata.image;

import dev.kiln.testdata.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs an image with {@code podman}, a real container engine, to check that what kiln built starts:
 * storage of its own under a test directory (vfs, so no mounts are left behind), no network, and
 * resource limits this machine's hard limits allow (podman's defaults ask for more).
 */
public final class Podman {
  private Podman() {}

  /**
   * {@code podman run --rm oci-archive:ARCHIVE ARGS…}, returning what it printed.
   *
   * @param storage a directory podman may keep its images and state in
   */
  public static ProcessRunner.Result runArchive(Path archive, Path storage, List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "podman",
                "--root",
                storage.resolve("root").toString(),
                "--runroot",
                storage.resolve("run").toString(),
                "--storage-driver",
                "vfs",
                "run",
                "--rm",
                "--network",
                "none",
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=1024:1024",
                "oci-archive:" + archive));
    command.addAll(args);
    return ProcessRunner.run(command, Map.of(), Duration.ofMinutes(5));
  }
}
