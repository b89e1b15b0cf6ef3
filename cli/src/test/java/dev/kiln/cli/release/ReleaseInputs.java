package dev.kiln.cli.release;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What the release's tests start from: the archive and a fresh Debian root file system. */
final class ReleaseInputs {
  private ReleaseInputs() {}

  /** The archive the release profile made in cli/target (exactly one). */
  static Path releaseArchive() throws IOException {
    Path dir = Path.of(System.getProperty("kiln.release.dir", "target"));
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> archives =
          files
              .filter(p -> p.getFileName().toString().matches("kiln-.+-linux-[a-z0-9]+\\.tar\\.gz"))
              .toList();
      assertEquals(1, archives.size(), "one release archive in " + dir + ": " + archives);
      return archives.get(0);
    }
  }

  /** The fresh Debian root file system, made by debootstrap on first use and kept. */
  static Path freshDebian() {
    Path tar = Path.of(System.getProperty("kiln.release.rootfs", "target/fresh-debian/rootfs.tar"));
    if (!Files.isRegularFile(tar)) {
      ProcessRunner.run(
              List.of(
                  repository().resolve("packaging/fresh-debian-rootfs.sh").toString(),
                  tar.toString()),
              Map.of(),
              Duration.ofMinutes(15))
          .requireSuccess();
    }
    return tar;
  }

  static Path repository() {
    return Path.of(System.getProperty("kiln.root", "..")).toAbsolutePath();
  }
}
