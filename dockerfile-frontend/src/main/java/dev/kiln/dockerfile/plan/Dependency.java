package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.Instruction;

/**
 * One edge of the stage graph: stage {@code stage} needs {@code source} because of {@code via}.
 *
 * @param stage the index of the stage that has the dependency
 * @param kind why: its FROM, a COPY --from, or a RUN --mount from=
 * @param source what it depends on
 * @param via the instruction that creates the edge (the FROM for {@link Kind#FROM})
 * @param mount for {@link Kind#MOUNT_FROM}, which of the RUN's mounts (its index), else -1
 */
public record Dependency(int stage, Kind kind, StageBase source, Instruction via, int mount) {
  /** An edge that is not a mount's. */
  public Dependency(int stage, Kind kind, StageBase source, Instruction via) {
    this(stage, kind, source, via, -1);
  }

  /** Edge kinds. */
  public enum Kind {
    FROM,
    COPY_FROM,
    MOUNT_FROM
  }
}
