package dev.kiln.core.snapshot;

import dev.kiln.core.host.XattrPrograms;
import dev.kiln.core.sandbox.HostIdentity;
import dev.kiln.core.sandbox.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the snapshotter for {@code --snapshotter}. Overlay counts only when a test mount under
 * kiln's work directory really works, including the whiteout a deletion must leave (some
 * filesystems cannot be an upper directory); the outcome is remembered per directory for the life
 * of the process.
 */
public final class SnapshotterSelector {
  private static final Map<Path, String> OVERLAY_PROBES = new ConcurrentHashMap<>();
  private static final String WORKS = "";

  private SnapshotterSelector() {}

  /**
   * The snapshotter for {@code requested}, keeping snapshots under {@code workRoot}.
   *
   * @throws SnapshotException when overlay was requested and cannot work here
   */
  public static SnapshotterChoice select(SnapshotterKind requested, Path workRoot) {
    Path root = workRoot.toAbsolutePath().normalize();
    if (requested == SnapshotterKind.COPY) {
      return new SnapshotterChoice(
          new CopySnapshotter(root), SnapshotterKind.COPY, "requested with --snapshotter=copy");
    }
    HostIdentity identity = HostIdentity.current();
    String failure;
    if (!identity.isRoot()) {
      failure =
          "overlayfs needs root in kiln's mount namespace, and kiln runs as uid " + identity.uid();
    } else if (!XattrPrograms.installed()) {
      // The kernel marks opaque directories with trusted.* attributes, which only getfattr reads.
      failure =
          "overlayfs needs getfattr and setfattr for its trusted.overlay.* attributes (Debian:"
              + " apt-get install attr)";
    } else {
      failure = OVERLAY_PROBES.computeIfAbsent(root, SnapshotterSelector::probe);
    }
    if (failure.equals(WORKS)) {
      return new SnapshotterChoice(
          new OverlaySnapshotter(root),
          SnapshotterKind.OVERLAY,
          requested == SnapshotterKind.OVERLAY
              ? "requested with --snapshotter=overlay; a test mount in " + root + " worked"
              : "a test overlayfs mount in " + root + " worked");
    }
    if (requested == SnapshotterKind.OVERLAY) {
      throw new SnapshotException("--snapshotter=overlay: " + failure + "; use --snapshotter=copy");
    }
    return new SnapshotterChoice(new CopySnapshotter(root), SnapshotterKind.COPY, failure);
  }

  /** Mounts a tiny overlay and deletes a lower file through it; "" when all that worked. */
  private static String probe(Path workRoot) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory(Files.createDirectories(workRoot), "overlay-probe-");
      Path lower = Files.createDirectory(dir.resolve("lower"));
      Files.writeString(lower.resolve("file"), "x");
      Path upper = Files.createDirectory(dir.resolve("upper"));
      Path work = Files.createDirectory(dir.resolve("work"));
      Path merged = Files.createDirectory(dir.resolve("merged"));
      OverlaySnapshotter.mount(List.of(lower), upper, work, merged);
      try {
        Files.delete(merged.resolve("file"));
        if (!FileStat.of(upper.resolve("file")).isWhiteout()) {
          return "overlayfs in " + workRoot + " did not record a deletion as a whiteout";
        }
      } finally {
        MountTable.unmountAllUnder(dir);
      }
      return WORKS;
    } catch (IOException | RuntimeException e) {
      return "a test overlayfs mount in " + workRoot + " failed: " + e.getMessage();
    } finally {
      if (dir != null) {
        try {
          MountTable.unmountAllUnder(dir);
        } catch (RuntimeException e) {
          // Reported by the probe's own failure, if any.
        }
        TreeCopier.deleteRecursively(dir);
      }
    }
  }
}
