package dev.kiln.cli;

import dev.kiln.api.request.RequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files kiln itself reads from a context it fetched (a tar on stdin, a git or http(s) URL): the
 * Dockerfile and the {@code .dockerignore} files. Whoever made that context chose its links, so a
 * {@code Dockerfile -> /etc/shadow} or {@code -> /dev/zero} must not make kiln read a file of this
 * machine or block: each of them must be a regular file inside the context, not too large. (The
 * context's other files are read through the confined context tree, which never leaves it.)
 */
final class FetchedContextFiles {
  /** Far above any real Dockerfile or ignore file; enough to stop a file meant to exhaust kiln. */
  static final long MAX_BYTES = 16L << 20;

  private FetchedContextFiles() {}

  /**
   * Checks the Dockerfile ({@code file}, relative to the context, or null for the default name) and
   * the ignore files of {@code contextDir}.
   */
  static void check(Path contextDir, String file) throws IOException {
    Path root = contextDir.toRealPath();
    List<Path> read = new ArrayList<>();
    Path dockerfile = file != null ? contextDir.resolve(file) : defaultDockerfile(contextDir);
    read.add(dockerfile);
    read.add(dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore"));
    read.add(contextDir.resolve(".dockerignore"));
    for (Path p : read) {
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        continue; // missing: the build says so where it reads it
      }
      Path real = p.toRealPath();
      String name = contextDir.relativize(p).toString();
      if (!real.startsWith(root)) {
        throw new RequestException(
            "the fetched context's " + name + " is a link that leaves the context",
            "make it a regular file inside the context");
      }
      if (!Files.isRegularFile(real)) {
        throw new RequestException(
            "the fetched context's " + name + " is not a regular file",
            "make it a regular file inside the context");
      }
      if (Files.size(real) > MAX_BYTES) {
        throw new RequestException(
            "the fetched context's " + name + " is larger than " + (MAX_BYTES >> 20) + " MiB",
            "check that it is the file you meant");
      }
    }
  }

  private static Path defaultDockerfile(Path contextDir) {
    Path dockerfile = contextDir.resolve("Dockerfile");
    Path containerfile = contextDir.resolve("Containerfile");
    return Files.exists(dockerfile, LinkOption.NOFOLLOW_LINKS)
            || !Files.exists(containerfile, LinkOption.NOFOLLOW_LINKS)
        ? dockerfile
        : containerfile;
  }
}
