package dev.kiln.core.checksum;

import dev.kiln.dockerfile.ignore.PatternMatcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Small build contexts on disk for checksum tests. */
final class Contexts {
  private Contexts() {}

  /** A clock far enough ahead that every file just written counts as settled for the memo. */
  static final Clock LATER = Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC);

  static Path file(Path root, String path, String content) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    return p;
  }

  static void dir(Path root, String path) throws IOException {
    Files.createDirectories(root.resolve(path));
  }

  static void keepMtime(Path file, IoAction change) throws IOException {
    FileTime before = Files.getLastModifiedTime(file);
    change.run();
    Files.setLastModifiedTime(file, before);
  }

  interface IoAction {
    void run() throws IOException;
  }

  /** Counts the files a tree opens. */
  static final class CountingReader implements ContentReader {
    final AtomicInteger opened = new AtomicInteger();

    @Override
    public InputStream open(Path file) throws IOException {
      opened.incrementAndGet();
      return ContentReader.FILES.open(file);
    }
  }

  /** A capability reader answering from a map of absolute paths. */
  static CapabilityReader capabilities(Map<Path, byte[]> byFile) {
    return file -> Optional.ofNullable(byFile.get(file.toAbsolutePath().normalize()));
  }

  static TreeChecksummer checksummer(Path root, String... ignore) throws IOException {
    return checksummer(root, StatMemo.inMemory(), ContentReader.FILES, ignore);
  }

  static TreeChecksummer checksummer(
      Path root, StatMemo memo, ContentReader reader, String... ignore) throws IOException {
    return new TreeChecksummer(
        DirectoryTree.context(
            root, PatternMatcher.of(List.of(ignore)), memo, reader, CapabilityReader.NONE, LATER));
  }
}
