package dev.kiln.core.snapshot;

import dev.kiln.core.snapshot.SnapshotDiff.Change;
import dev.kiln.core.snapshot.SnapshotDiff.ChangeKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the changes of a copy snapshot by walking the copied rootfs and the layers' merged view
 * side by side and comparing each entry's {@code lstat} and extended attributes. Contents are
 * compared only when the metadata is equal and the file's ctime is not older than the moment the
 * copy was finished: the kernel sets ctime on every write, chmod, chown, rename or link and no
 * program can set it back, so an older ctime proves the file was not touched.
 */
final class CopyDiffer {
  private final Path rootfs;
  private final LayerStack lower;
  private final Instant copiedAt;
  private XattrIndex index;
  private List<SnapshotDiff.LinkedName> linked;

  CopyDiffer(Path rootfs, LayerStack lower, Instant copiedAt) {
    this.rootfs = rootfs;
    this.lower = lower;
    this.copiedAt = copiedAt;
  }

  SnapshotDiff diff() {
    index = XattrIndex.scan(rootfs);
    List<Change> changes = new ArrayList<>();
    linked = new ArrayList<>();
    try {
      walk("", lower.root(), changes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compare " + rootfs + " with its layers", e);
    }
    return new SnapshotDiff(changes, linked);
  }

  private void walk(String rel, List<Path> lowerLayers, List<Change> out) throws IOException {
    Map<String, Path> below = lowerLayers.isEmpty() ? Map.of() : lower.children(lowerLayers, rel);
    TreeSet<String> names = new TreeSet<>(below.keySet());
    Path dir = rel.isEmpty() ? rootfs : rootfs.resolve(rel);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    }
    for (String name : names) {
      String childRel = rel.isEmpty() ? name : rel + "/" + name;
      Path current = rootfs.resolve(childRel);
      Path lowerEntry = below.get(name);
      boolean exists = Files.exists(current, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (!exists) {
        out.add(Change.deleted(childRel));
        continue;
      }
      FileStat stat = FileStat.of(current);
      List<Xattr> xattrs = index.portable(current);
      if (lowerEntry == null) {
        out.add(Change.of(childRel, ChangeKind.ADDED, current, xattrs));
        if (stat.isDirectory()) {
          walk(childRel, List.of(), out);
        }
        continue;
      }
      FileStat belowStat = FileStat.of(lowerEntry);
      List<Xattr> belowXattrs = lower.indexOf(lowerEntry).portable(lowerEntry);
      if (stat.isDirectory() && belowStat.isDirectory()) {
        if (!EntryComparison.sameMetadata(stat, xattrs, belowStat, belowXattrs)) {
          out.add(Change.of(childRel, ChangeKind.MODIFIED, current, xattrs));
        }
        walk(childRel, lower.descend(lowerLayers, childRel), out);
      } else if (stat.type() != belowStat.type()) {
        out.add(Change.of(childRel, ChangeKind.MODIFIED, current, xattrs));
        if (stat.isDirectory()) {
          walk(childRel, List.of(), out);
        }
      } else if (!EntryComparison.sameMetadata(stat, xattrs, belowStat, belowXattrs)
          || (stat.type() == FileStat.FileType.REGULAR
              && !stat.ctime().isBefore(copiedAt)
              && !EntryComparison.sameContent(current, lowerEntry))) {
        out.add(Change.of(childRel, ChangeKind.MODIFIED, current, xattrs));
      } else if (stat.isLinkedFile()) {
        linked.add(new SnapshotDiff.LinkedName(childRel, current));
      }
    }
  }
}
