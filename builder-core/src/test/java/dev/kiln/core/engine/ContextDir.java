package dev.kiln.core.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * A build context written by a test: files with explicit modes and times, so that what the image
 * must hold does not depend on the umask or the clock of the machine running the test.
 */
final class ContextDir {
  /** The time every file gets unless a test says otherwise (2023-11-14T22:13:20Z). */
  static final long DEFAULT_MTIME = 1_700_000_000L;

  private final Path root;

  ContextDir(Path root) {
    try {
      this.root = Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path root() {
    return root;
  }

  ContextDir dockerfile(String text) {
    return file("Dockerfile", text, 0644);
  }

  ContextDir file(String relative, String content) {
    return file(relative, content, 0644);
  }

  ContextDir file(String relative, String content, int mode) {
    return bytes(relative, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  ContextDir bytes(String relative, byte[] content, int mode) {
    try {
      Path file = root.resolve(relative);
      dirs(file.getParent());
      Files.write(file, content);
      Files.setAttribute(file, "unix:mode", mode);
      Files.setLastModifiedTime(file, FileTime.fromMillis(DEFAULT_MTIME * 1000));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ContextDir dir(String relative, int mode) {
    try {
      Path dir = root.resolve(relative);
      dirs(dir);
      Files.setAttribute(dir, "unix:mode", mode);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ContextDir symlink(String relative, String target) {
    try {
      Path link = root.resolve(relative);
      dirs(link.getParent());
      Files.createSymbolicLink(link, Path.of(target));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets every directory's mtime last, since adding files changes them. */
  ContextDir settle() {
    try (var walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.setLastModifiedTime(p, FileTime.fromMillis(DEFAULT_MTIME * 1000));
        }
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void dirs(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      dirs(dir.getParent());
      Files.createDirectory(dir);
      Files.setAttribute(dir, "unix:mode", 0755);
    }
  }
}
