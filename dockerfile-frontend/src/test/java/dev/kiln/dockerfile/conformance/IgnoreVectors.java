package dev.kiln.dockerfile.conformance;

import java.nio.file.Path;

final class IgnoreVectors {
  private IgnoreVectors() {}

  static SetResult all(Path dir) {
    return new SetResult("dockerignore");
  }
}
