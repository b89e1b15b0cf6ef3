package dev.kiln.core.snapshot;

import java.nio.file.Path;

/**
 * A writable root filesystem for one step, over read-only layers. Run the step in {@link
 * #rootfs()}, then ask for the {@link #diff()}, write the layer from it, and {@link #close()}: the
 * diff's source files stay readable until then.
 */
public interface Snapshot extends AutoCloseable {
  /** The directory to use as the step's root filesystem. */
  Path rootfs();

  /** What the step changed, relative to the layers. Call after the step has finished. */
  SnapshotDiff diff();

  /**
   * Ends the step's view and moves its changes, already in overlayfs form (whiteouts as 0/0
   * devices, opaque directories marked), to {@code target}, where they can serve as the lower
   * directory of the layer just written from them: a later RUN then needs no unpacking of it. Call
   * after the layer is written, before {@link #close()}. Returns false (and moves nothing) when
   * this snapshotter keeps no such directory or {@code target} already exists.
   */
  default boolean moveChangesTo(Path target) {
    return false;
  }

  /** Unmounts and deletes everything of this snapshot; the layers are untouched. */
  @Override
  void close();
}
