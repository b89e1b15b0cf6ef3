package dev.kiln.core.snapshot;

import java.util.Locale;

/**
 * How step root filesystems are made: {@link #OVERLAY} mounts overlayfs over the layers (cost
 * follows what the step changes), {@link #COPY} copies the layers into a directory and finds
 * changes by comparing trees (works anywhere, cost follows the rootfs size), {@link #AUTO} uses
 * overlay when a test mount works.
 */
public enum SnapshotterKind {
  AUTO,
  OVERLAY,
  COPY;

  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SnapshotterKind parse(String value) {
    for (SnapshotterKind kind : values()) {
      if (kind.optionValue().equalsIgnoreCase(value.trim())) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown snapshotter '" + value + "': expected one of auto, overlay, copy");
  }
}
