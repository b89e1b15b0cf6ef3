package dev.kiln.core.engine;

import dev.kiln.core.layer.DirectoryEntries;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.sandbox.UserNamespacePlan;
import dev.kiln.core.snapshot.SnapshotDiff;
import dev.kiln.core.snapshot.Xattr;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns what a RUN step changed into the entries of its layer: added and modified paths are read
 * from the snapshot (metadata by {@code lstat}, same inode = hard link), deletions become {@code
 * .wh.} whiteouts, and a directory that replaced its lower self gets an opaque whiteout. Every
 * parent directory of an entry is in the layer too, as the step leaves it (containerd's change
 * writer, which BuildKit uses, includes them the same way).
 */
final class DiffEntries {
  private static final long OVERFLOW_ID = 65534;

  private DiffEntries() {}

  /**
   * The layer entries of {@code diff}, taken from the snapshot whose root filesystem is {@code
   * rootfs} (still there). A rootless step's files belong to host ids on disk; {@code
   * userNamespace} turns them back into the ids the step saw.
   */
  static LayerTree of(
      SnapshotDiff diff, Path rootfs, long whiteoutTime, Optional<UserNamespacePlan> userNamespace)
      throws IOException {
    Map<Path, String> placed = new LinkedHashMap<>();
    Map<String, List<Xattr>> xattrs = new TreeMap<>();
    LayerTree tree = new LayerTree();
    for (SnapshotDiff.Change change : diff.changes()) {
      switch (change.kind()) {
        case DELETED -> tree.add(LayerEntry.whiteout(change.path(), whiteoutTime));
        case OPAQUE_DIR -> {
          placed.put(change.source().orElseThrow(), change.path());
          tree.add(LayerEntry.opaqueWhiteout(change.path(), whiteoutTime));
        }
        default -> placed.put(change.source().orElseThrow(), change.path());
      }
      if (!change.xattrs().isEmpty()) {
        xattrs.put(change.path(), change.xattrs());
      }
    }
    for (LayerEntry entry : DirectoryEntries.readEach(placed)) {
      if (userNamespace.isPresent()) {
        entry = inContainerIds(entry, userNamespace.get());
      }
      List<Xattr> extra = xattrs.get(entry.path());
      if (extra != null && entry.type() != EntryType.HARDLINK) {
        Map<String, byte[]> values = new TreeMap<>();
        for (Xattr x : extra) {
          values.put(x.name(), x.value());
        }
        entry = entry.withXattrs(values);
      }
      tree.add(entry);
    }
    // A parent the step did not change is still written: kiln unpacks each layer into a directory
    // of its own, and a missing parent would be created there as root's 0755 directory, hiding
    // the lower layer's owner and mode from the next step's overlayfs view.
    Map<Path, String> parents = new LinkedHashMap<>();
    for (SnapshotDiff.Change change : diff.changes()) {
      for (String p = LayerPath.parent(change.path()); !p.isEmpty(); p = LayerPath.parent(p)) {
        if (tree.get(p).isEmpty()) {
          parents.put(rootfs.resolve(p), p);
        }
      }
    }
    for (LayerEntry parent : DirectoryEntries.readEach(parents)) {
      tree.add(userNamespace.isPresent() ? inContainerIds(parent, userNamespace.get()) : parent);
    }
    return tree;
  }

  /** An id the namespace does not map shows as the overflow id inside it, as the kernel does. */
  private static LayerEntry inContainerIds(LayerEntry entry, UserNamespacePlan ids) {
    return entry.withOwner(
        ids.toContainerUid(entry.uid()).orElse(OVERFLOW_ID),
        ids.toContainerGid(entry.gid()).orElse(OVERFLOW_ID));
  }
}
