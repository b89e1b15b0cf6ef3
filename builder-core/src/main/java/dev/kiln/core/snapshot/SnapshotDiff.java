package dev.kiln.core.snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a step changed in its root filesystem, relative to the layers below it: a list of changes
 * sorted by path (parents before their children), the same whichever {@link Snapshotter} produced
 * it. The layer writer turns it into a layer: {@link ChangeKind#ADDED} and {@link
 * ChangeKind#MODIFIED} entries are written from {@link Change#source()}, {@link ChangeKind#DELETED}
 * ones become {@code .wh.} whiteouts, and an {@link ChangeKind#OPAQUE_DIR} is written as its
 * directory plus {@code .wh..wh..opq}.
 *
 * <p>Paths are relative to the image root in canonical form ({@code etc/passwd}; no leading or
 * trailing slash). The root directory itself never appears. Mount points of the step ({@code
 * /proc}, {@code /dev}, {@code /sys}, {@code /etc/hosts}, {@code /etc/resolv.conf}, {@code RUN
 * --mount} targets) never appear either: the sandbox removes what it created for them.
 */
public record SnapshotDiff(List<Change> changes, List<LinkedName> unchangedLinks) {
  public SnapshotDiff {
    List<Change> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparing(Change::path));
    changes = List.copyOf(sorted);
    unchangedLinks = List.copyOf(unchangedLinks);
  }

  /** Changes with no unchanged linked names. */
  public SnapshotDiff(List<Change> changes) {
    this(changes, List.of());
  }

  /**
   * A regular file the step left as it was but that has other names (more than one link), with the
   * file to read it from. It is not a change; but when the step gave the same file a new name (
   * {@code ln /bin/busybox /bin/bb}), the new name is a change and this one is how the layer keeps
   * the two linked: it is written as a hard link beside it, as containerd's change writer (behind
   * BuildKit's walking differ) writes the unmodified names of a changed file's inode.
   */
  public record LinkedName(String path, Path source) {}

  /** How a path changed. */
  public enum ChangeKind {
    /** The path did not exist below; write it from {@link Change#source()}. */
    ADDED,
    /**
     * The path existed below and differs now (content, metadata, or type: a directory replaced by a
     * file or the other way round); write it from {@link Change#source()}.
     */
    MODIFIED,
    /** The path existed below and is gone; write a whiteout. There is no source. */
    DELETED,
    /**
     * A directory that existed below and now hides everything the layers below had in it (it was
     * removed and created again); write the directory from {@link Change#source()} and an opaque
     * whiteout. Its current children follow as {@link #ADDED}.
     */
    OPAQUE_DIR
  }

  /**
   * One changed path: canonical path, kind, the file to read it from (empty for {@link
   * ChangeKind#DELETED}), and its extended attributes other than overlayfs's bookkeeping ({@code
   * security.capability} and the like, which the JDK cannot read).
   *
   * <p>Owners, modes, times, link targets and device numbers are read from {@code source} with
   * {@code lstat}. Two changes whose sources are the same inode are hard links of each other.
   */
  public record Change(String path, ChangeKind kind, Optional<Path> source, List<Xattr> xattrs) {
    public Change {
      if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
        throw new IllegalArgumentException("not a canonical layer path: '" + path + "'");
      }
      if ((kind == ChangeKind.DELETED) != source.isEmpty()) {
        throw new IllegalArgumentException(
            kind + " " + path + (source.isEmpty() ? " needs a source" : " has no source"));
      }
      xattrs = List.copyOf(xattrs);
    }

    static Change deleted(String path) {
      return new Change(path, ChangeKind.DELETED, Optional.empty(), List.of());
    }

    static Change of(String path, ChangeKind kind, Path source, List<Xattr> xattrs) {
      return new Change(path, kind, Optional.of(source), xattrs);
    }
  }

  /** The change at {@code path}, if any. */
  public Optional<Change> find(String path) {
    return changes.stream().filter(c -> c.path().equals(path)).findFirst();
  }

  /** Whether the step changed nothing. */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** One line per change ({@code A etc/motd}), for messages and tests. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    for (Change change : changes) {
      out.append(change.kind().name().charAt(0)).append(' ').append(change.path()).append('\n');
    }
    return out.toString();
  }
}
