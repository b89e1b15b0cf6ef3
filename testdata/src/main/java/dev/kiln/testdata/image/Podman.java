package dev.kiln.testdata.image;

import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
    // podman refuses a runroot longer than 50 characters, and a checkout's target directory is
    // usually deeper than that; the run state is throwaway, so it lives in a short temp directory.
    Path runRoot = shortRunRoot();
    try {
      return run(archive, storage, runRoot, args);
    } finally {
      deleteTree(runRoot);
    }
  }

  private static ProcessRunner.Result run(
      Path archive, Path storage, Path runRoot, List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "podman",
                "--root",
                storage.resolve("root").toString(),
                "--runroot",
                runRoot.toString(),
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

  private static Path shortRunRoot() {
    try {
      return Files.createTempDirectory(Path.of("/tmp"), "kpod");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // podman may leave root-owned state behind; a stale temp directory is harmless.
    }
  }
}
