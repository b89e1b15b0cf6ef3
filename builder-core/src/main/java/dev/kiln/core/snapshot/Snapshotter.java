package dev.kiln.core.snapshot;

import java.nio.file.Path;
import java.util.List;

/**
 * Makes writable root filesystems over already-extracted layers. A layer directory holds one layer
 * in overlayfs form: whiteouts are character devices 0/0, opaque directories carry {@code
 * trusted.overlay.opaque=y}. Layer directories are never modified and may be shared by any number
 * of snapshots at once.
 *
 * <p>Choose one with {@link SnapshotterSelector}.
 */
public interface Snapshotter {
  /** {@link SnapshotterKind#OVERLAY} or {@link SnapshotterKind#COPY}. */
  SnapshotterKind kind();

  /**
   * A fresh writable rootfs showing {@code layers}, given base first (the order of an image
   * manifest); an empty list gives an empty rootfs ({@code FROM scratch}).
   */
  Snapshot prepare(List<Path> layers);
}
