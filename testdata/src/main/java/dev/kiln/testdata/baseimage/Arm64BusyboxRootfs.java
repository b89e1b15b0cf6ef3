package dev.kiln.testdata.baseimage;

import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The busybox root filesystem of {@link BusyboxRootfs}, built for linux/arm64 from Debian's {@code
 * busybox-static:arm64} package: the package file from apt's cache ({@code
 * /var/cache/apt/archives}) when it is there, else fetched once with {@code apt-get download
 * busybox-static:arm64} (which needs {@code dpkg --add-architecture arm64; apt-get update}, as
 * {@code scripts/setup-debian.sh} does). The package is unpacked with {@code dpkg-deb}, never
 * installed (it would replace the host's busybox). The recipe runs the arm64 busybox to list its
 * applets, so the host must emulate arm64 (qemu-user-static, binfmt_misc).
 */
public final class Arm64BusyboxRootfs {
  private static final String PACKAGE = "busybox-static";
  private static Path cached;

  private Arm64BusyboxRootfs() {}

  /** The rootfs tar (built on first call, then shared; do not modify it). */
  public static synchronized Path tar() {
    if (cached == null || !Files.isRegularFile(cached)) {
      try {
        Path dir = Files.createTempDirectory("kiln-busybox-arm64-");
        dir.toFile().deleteOnExit();
        Path root = dir.resolve("package");
        ProcessRunner.run(List.of("dpkg-deb", "-x", packageFile(dir).toString(), root.toString()))
            .requireSuccess();
        Path out = dir.resolve("rootfs.tar");
        BusyboxRootfs.build(out, Map.of("BUSYBOX", root.resolve("bin/busybox").toString()));
        cached = out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cached;
  }

  private static Path packageFile(Path work) throws IOException {
    Path cache = Path.of("/var/cache/apt/archives");
    if (Files.isDirectory(cache)) {
      try (DirectoryStream<Path> debs = Files.newDirectoryStream(cache, PACKAGE + "_*_arm64.deb")) {
        for (Path deb : debs) {
          return deb;
        }
      }
    }
    Path download = Files.createDirectories(work.resolve("download"));
    ProcessRunner.Result result =
        ProcessRunner.run(
            List.of(
                "sh",
                "-c",
                "cd \"$1\" && apt-get download " + PACKAGE + ":arm64",
                "sh",
                download.toString()),
            Map.of(),
            Duration.ofMinutes(3));
    try (DirectoryStream<Path> debs = Files.newDirectoryStream(download, "*.deb")) {
      for (Path deb : debs) {
        return deb;
      }
    }
    throw new IllegalStateException(
        "no "
            + PACKAGE
            + ":arm64 package in /var/cache/apt/archives, and apt-get download failed:\n"
            + result.stderr()
            + "\nrun: dpkg --add-architecture arm64 && apt-get update (scripts/setup-debian.sh)");
  }
}
