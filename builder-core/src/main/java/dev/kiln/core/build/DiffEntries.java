package dev.kiln.core.build;

import dev.kiln.core.layer.DirectoryEntries;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.snapshot.SnapshotDiff;
import dev.kiln.core.snapshot.Xattr;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns what a RUN step changed into the entries of its layer: added and modified paths are read
 * from the snapshot (metadata by {@code lstat}, same inode = hard link), deletions become {@code
 * .wh.} whiteouts, and a directory that replaced its lower self gets an opaque whiteout.
 */
final class DiffEntries {
  private DiffEntries() {}

  static LayerTree of(SnapshotDiff diff, long whiteoutTime) throws IOException {
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
    return tree;
  }
}
