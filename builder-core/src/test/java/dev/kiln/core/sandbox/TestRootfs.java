package dev.kiln.core.sandbox;

import dev.kiln.core.host.HostCommand;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The busybox base from testdata, extracted with GNU tar into a directory for a test. */
public final class TestRootfs {
  private TestRootfs() {}

  /** Extracts the busybox rootfs into {@code dir} (created), keeping owners and modes. */
  public static Path extractBusybox(Path dir) {
    try {
      Files.createDirectories(dir);
      HostCommand.of(
              "tar",
              "--numeric-owner",
              "--same-owner",
              "--same-permissions",
              "-C",
              dir.toString(),
              "-xf",
              BusyboxRootfs.tar().toString())
          .run()
          .requireSuccess("extract the busybox rootfs");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}
