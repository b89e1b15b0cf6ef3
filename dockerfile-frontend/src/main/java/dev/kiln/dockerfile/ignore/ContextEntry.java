package dev.kiln.dockerfile.ignore;

import java.nio.file.Path;

/**
 * One selected entry of a build context.
 *
 * @param path '/'-separated path relative to the context root
 * @param kind what it is (symbolic links are not followed)
 * @param file where it is on disk
 */
public record ContextEntry(String path, Kind kind, Path file) {
  /** Entry kinds. */
  public enum Kind {
    FILE,
    DIRECTORY,
    SYMLINK,
    OTHER
  }
}
