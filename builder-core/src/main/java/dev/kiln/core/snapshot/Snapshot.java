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

  /** Unmounts and deletes everything of this snapshot; the layers are untouched. */
  @Override
  void close();
}
