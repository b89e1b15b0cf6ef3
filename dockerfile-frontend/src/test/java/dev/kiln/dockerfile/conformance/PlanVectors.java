package dev.kiln.dockerfile.conformance;

import java.nio.file.Path;

final class PlanVectors {
  private PlanVectors() {}

  static SetResult all(Path dir) {
    return new SetResult("dockerfile2llb");
  }

  static SetResult buildArgs(Path dir) {
    return new SetResult("build/args.json");
  }
}
