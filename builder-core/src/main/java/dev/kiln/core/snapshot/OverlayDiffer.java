package dev.kiln.core.snapshot;

import dev.kiln.core.snapshot.SnapshotDiff.Change;
import dev.kiln.core.snapshot.SnapshotDiff.ChangeKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reads the changes of an overlay snapshot from its upper directory alone, so the cost follows what
 * the step changed: whiteouts are deletions, {@code trusted.overlay.opaque} directories hide the
 * layers' contents, everything else was added or modified. Entries overlayfs copied up without a
 * real change (a file opened for writing but left as it was, a directory on the way to a changed
 * file, a mount point's parent whose timestamps were put back) are compared with the layers and
 * left out when equal; for a regular file with equal metadata the bytes decide.
 */
final class OverlayDiffer {
  private final Path upper;
  private final LayerStack lower;
  private XattrIndex upperIndex;
  private List<SnapshotDiff.LinkedName> linked;

  OverlayDiffer(Path upper, LayerStack lower) {
    this.upper = upper;
    this.lower = lower;
  }

  SnapshotDiff diff() {
    upperIndex = XattrIndex.scan(upper);
    List<Change> changes = new ArrayList<>();
    linked = new ArrayList<>();
    try {
      walk("", lower.root(), changes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the changes in " + upper, e);
    }
    return new SnapshotDiff(changes, linked);
  }

  private void walk(String rel, List<Path> lowerLayers, List<Change> out) throws IOException {
    Path dir = rel.isEmpty() ? upper : upper.resolve(rel);
    TreeSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    }
    for (String name : names) {
      String childRel = rel.isEmpty() ? name : rel + "/" + name;
      Path entry = upper.resolve(childRel);
      FileStat stat = FileStat.of(entry);
      Optional<Path> below = lower.find(lowerLayers, childRel);
      if (stat.isWhiteout()) {
        if (below.isPresent()) {
          out.add(Change.deleted(childRel));
        }
        continue;
      }
      List<Xattr> xattrs = upperIndex.portable(entry);
      Optional<FileStat> belowStat =
          below.isPresent() ? Optional.of(FileStat.of(below.get())) : Optional.empty();
      if (stat.isDirectory()) {
        boolean opaque = upperIndex.isOpaque(entry);
        boolean belowIsDir = belowStat.map(FileStat::isDirectory).orElse(false);
        if (belowStat.isEmpty()) {
          out.add(Change.of(childRel, ChangeKind.ADDED, entry, xattrs));
        } else if (!belowIsDir) {
          out.add(Change.of(childRel, ChangeKind.MODIFIED, entry, xattrs));
        } else if (opaque) {
          out.add(Change.of(childRel, ChangeKind.OPAQUE_DIR, entry, xattrs));
        } else if (!EntryComparison.sameMetadata(
            stat, xattrs, belowStat.get(), lower.indexOf(below.get()).portable(below.get()))) {
          out.add(Change.of(childRel, ChangeKind.MODIFIED, entry, xattrs));
        }
        List<Path> childLower =
            belowIsDir && !opaque ? lower.descend(lowerLayers, childRel) : List.of();
        walk(childRel, childLower, out);
        continue;
      }
      if (belowStat.isEmpty()) {
        out.add(Change.of(childRel, ChangeKind.ADDED, entry, xattrs));
      } else if (!EntryComparison.sameMetadata(
              stat, xattrs, belowStat.get(), lower.indexOf(below.get()).portable(below.get()))
          || (stat.type() == FileStat.FileType.REGULAR
              && !EntryComparison.sameContent(entry, below.get()))) {
        // A regular file in the upper directory was touched by the step; equal metadata is no
        // proof it is unchanged, so the bytes decide.
        out.add(Change.of(childRel, ChangeKind.MODIFIED, entry, xattrs));
      } else if (stat.isLinkedFile()) {
        // Copied up unchanged because the step linked it (overlayfs copies a lower file up to
        // give it a new name): the other name is among the changes.
        linked.add(new SnapshotDiff.LinkedName(childRel, entry));
      }
    }
  }
}
