package dev.kiln.testdata;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the root of the kiln checkout, where {@code testdata/} and the {@code kiln} launcher live.
 *
 * <p>Maven passes it as the system property {@code kiln.root}; when a test runs from an IDE without
 * it, the working directory's ancestors are searched.
 */
public final class RepositoryRoot {
  private RepositoryRoot() {}

  public static Path get() {
    String property = System.getProperty("kiln.root");
    if (property != null && isRoot(Path.of(property))) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (isRoot(dir)) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the kiln checkout: set -Dkiln.root=<checkout> (Maven sets it)");
  }

  /** A path inside the checkout, e.g. {@code resolve("testdata/base-images")}. */
  public static Path resolve(String relative) {
    return get().resolve(relative);
  }

  private static boolean isRoot(Path dir) {
    return Files.isDirectory(dir.resolve("testdata").resolve("base-images"))
        && Files.isRegularFile(dir.resolve("pom.xml"));
  }
}
