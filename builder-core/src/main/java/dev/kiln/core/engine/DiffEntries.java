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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns what a RUN step changed into the entries of its layer: added and modified paths are read
 * from the snapshot (metadata by {@code lstat}, same inode = hard link), deletions become {@code
 * .wh.} whiteouts, and a directory that replaced its lower self gets an opaque whiteout. A changed
 * file's other names that the step left alone are written as its hard links. Every parent directory
 * of an entry is in the layer too, as the step leaves it (containerd's change writer, which
 * BuildKit uses, includes them the same way).
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
    List<String> linkedNames = addLinkedNames(diff, placed);
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
    List<String> written = new ArrayList<>(linkedNames);
    diff.changes().forEach(change -> written.add(change.path()));
    for (String path : written) {
      for (String p = LayerPath.parent(path); !p.isEmpty(); p = LayerPath.parent(p)) {
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

  /**
   * Adds to {@code placed} the unchanged names of every changed file that has other names: after
   * {@code ln /bin/busybox /bin/bb} only {@code bin/bb} changed, and writing it alone would make it
   * a copy in the image; with {@code bin/busybox} beside it the two stay one file (one of them
   * carries the bytes, the other is a hard link), as in the step. Returns the names added.
   */
  private static List<String> addLinkedNames(SnapshotDiff diff, Map<Path, String> placed)
      throws IOException {
    if (diff.unchangedLinks().isEmpty()) {
      return List.of();
    }
    Set<Object> changedInodes = new HashSet<>();
    for (Path source : placed.keySet()) {
      inodeOfLinkedFile(source).ifPresent(changedInodes::add);
    }
    List<String> added = new ArrayList<>();
    for (SnapshotDiff.LinkedName name : diff.unchangedLinks()) {
      Optional<Object> inode = inodeOfLinkedFile(name.source());
      if (inode.isPresent() && changedInodes.contains(inode.get())) {
        placed.put(name.source(), name.path());
        added.add(name.path());
      }
    }
    return added;
  }

  private static Optional<Object> inodeOfLinkedFile(Path file) throws IOException {
    Map<String, Object> stat =
        Files.readAttributes(file, "unix:mode,nlink,dev,ino", LinkOption.NOFOLLOW_LINKS);
    if (((Integer) stat.get("mode") & 0170000) != 0100000 || (Integer) stat.get("nlink") < 2) {
      return Optional.empty();
    }
    return Optional.of(List.of(stat.get("dev"), stat.get("ino")));
  }

  /** An id the namespace does not map shows as the overflow id inside it, as the kernel does. */
  private static LayerEntry inContainerIds(LayerEntry entry, UserNamespacePlan ids) {
    return entry.withOwner(
        ids.toContainerUid(entry.uid()).orElse(OVERFLOW_ID),
        ids.toContainerGid(entry.gid()).orElse(OVERFLOW_ID));
  }
}
