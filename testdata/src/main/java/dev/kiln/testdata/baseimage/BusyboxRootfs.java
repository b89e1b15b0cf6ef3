package dev.kiln.testdata.baseimage;

import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The busybox root filesystem tar from {@code testdata/base-images/busybox/make-rootfs.sh}, built
 * offline once per JVM. See {@code testdata/base-images/README.md} for what it holds.
 */
public final class BusyboxRootfs {
  private static Path cached;

  private BusyboxRootfs() {}

  /** The rootfs tar (built on first call, then shared; do not modify it). */
  public static synchronized Path tar() {
    if (cached == null || !Files.isRegularFile(cached)) {
      try {
        Path dir = Files.createTempDirectory("kiln-busybox-rootfs-");
        dir.toFile().deleteOnExit();
        Path out = dir.resolve("rootfs.tar");
        build(out, Map.of());
        out.toFile().deleteOnExit();
        cached = out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cached;
  }

  /** Runs the recipe into {@code out} with extra environment (e.g. {@code SOURCE_DATE_EPOCH}). */
  public static void build(Path out, Map<String, String> env) {
    Path script = RepositoryRoot.resolve("testdata/base-images/busybox/make-rootfs.sh");
    ProcessRunner.run(
            List.of("bash", script.toString(), out.toString()), env, Duration.ofMinutes(2))
        .requireSuccess();
  }
}
