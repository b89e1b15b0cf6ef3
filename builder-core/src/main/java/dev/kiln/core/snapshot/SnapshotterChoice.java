package dev.kiln.core.snapshot;

/** The snapshotter {@link SnapshotterSelector} chose, which kind it is, and why (for the CLI). */
public record SnapshotterChoice(Snapshotter snapshotter, SnapshotterKind kind, String reason) {
  @Override
  public String toString() {
    return kind.optionValue() + ": " + reason;
  }
}
