package dev.kiln.core.layer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Collects entries in any order and hands them back in the canonical order {@link LayerWriter}
 * needs ({@link LayerPath#compare}).
 *
 * <p>Adding a path that is already present replaces it (a later {@code COPY} source wins), and
 * replacing a directory by anything else drops its subtree. Parent directories that were not added
 * are created from an {@link ImplicitParents} template if one was given, and otherwise left out
 * (they then come from a lower layer). Only metadata is held: content is opened when written.
 *
 * <p>Hardlinks are normalized when the entries are taken: of all names of one file, the first in
 * canonical order carries the content and the others become hardlinks to it, with its metadata. A
 * tar reader can only link to a name it has already seen, so this is what makes a hardlink valid
 * regardless of how its names sort.
 *
 * <p>Not thread-safe.
 */
public final class LayerTree {
  /** Metadata for parent directories the tree creates because an entry needs them. */
  public record ImplicitParents(int mode, long uid, long gid, long mtime) {}

  private final TreeMap<String, LayerEntry> entries = new TreeMap<>(LayerPath::compare);
  private final ImplicitParents implicitParents;

  /** A tree that adds no parent directories of its own. */
  public LayerTree() {
    this(null);
  }

  /** A tree that creates missing parents from {@code implicitParents} (null: none). */
  public LayerTree(ImplicitParents implicitParents) {
    this.implicitParents = implicitParents;
  }

  /**
   * Adds {@code entry}, replacing any entry at its path.
   *
   * @throws IllegalArgumentException if an ancestor of its path is a non-directory in this tree
   */
  public LayerTree add(LayerEntry entry) {
    String path = entry.path();
    List<String> missing = new ArrayList<>();
    for (String parent = LayerPath.parent(path);
        !parent.isEmpty();
        parent = LayerPath.parent(parent)) {
      LayerEntry existing = entries.get(parent);
      if (existing == null) {
        missing.add(parent);
      } else if (existing.type() != EntryType.DIRECTORY) {
        throw new IllegalArgumentException(
            "cannot add '"
                + path
                + "': '"
                + parent
                + "' is a "
                + existing.type()
                + " in this layer");
      }
    }
    if (implicitParents != null) {
      for (String parent : missing) {
        entries.put(
            parent,
            LayerEntry.directory(
                parent,
                implicitParents.mode(),
                implicitParents.uid(),
                implicitParents.gid(),
                implicitParents.mtime()));
      }
    }
    LayerEntry previous = entries.put(path, entry);
    if (previous != null
        && previous.type() == EntryType.DIRECTORY
        && entry.type() != EntryType.DIRECTORY) {
      removeSubtree(path);
    }
    return this;
  }

  /** Adds every entry, in iteration order (later ones replace earlier ones at the same path). */
  public LayerTree addAll(Iterable<LayerEntry> more) {
    for (LayerEntry e : more) {
      add(e);
    }
    return this;
  }

  /** The entry at {@code path}, if any. */
  public Optional<LayerEntry> get(String path) {
    return Optional.ofNullable(entries.get(path));
  }

  /** The number of entries. */
  public int size() {
    return entries.size();
  }

  private void removeSubtree(String directory) {
    Iterator<String> it = entries.tailMap(directory, false).keySet().iterator();
    String prefix = directory + "/";
    while (it.hasNext() && it.next().startsWith(prefix)) {
      it.remove();
    }
  }

  /**
   * The entries in canonical order, hardlinks normalized.
   *
   * @throws IllegalArgumentException if a hardlink does not lead to a regular file of this tree
   */
  public List<LayerEntry> entries() {
    Map<String, List<String>> groups = new HashMap<>();
    for (LayerEntry e : entries.values()) {
      if (e.type() == EntryType.HARDLINK) {
        groups.computeIfAbsent(finalTarget(e), t -> new ArrayList<>()).add(e.path());
      }
    }
    Map<String, LayerEntry> replaced = new HashMap<>();
    for (Map.Entry<String, List<String>> group : groups.entrySet()) {
      LayerEntry file = entries.get(group.getKey());
      String primary = file.path();
      for (String name : group.getValue()) {
        if (LayerPath.compare(name, primary) < 0) {
          primary = name;
        }
      }
      replaced.put(primary, file.withPath(primary));
      for (String name : group.getValue()) {
        if (!name.equals(primary)) {
          replaced.put(name, linkTo(name, primary, file));
        }
      }
      if (!file.path().equals(primary)) {
        replaced.put(file.path(), linkTo(file.path(), primary, file));
      }
    }
    List<LayerEntry> result = new ArrayList<>(entries.size());
    for (LayerEntry e : entries.values()) {
      result.add(replaced.getOrDefault(e.path(), e));
    }
    return result;
  }

  private static LayerEntry linkTo(String name, String primary, LayerEntry file) {
    return LayerEntry.hardlink(name, primary, file.mode(), file.uid(), file.gid(), file.mtime());
  }

  private String finalTarget(LayerEntry link) {
    Set<String> seen = new HashSet<>();
    LayerEntry current = link;
    while (current.type() == EntryType.HARDLINK) {
      if (!seen.add(current.path())) {
        throw new IllegalArgumentException("hardlink '" + link.path() + "' is part of a cycle");
      }
      LayerEntry target = entries.get(current.linkTarget());
      if (target == null) {
        throw new IllegalArgumentException(
            "hardlink '"
                + link.path()
                + "' points to '"
                + current.linkTarget()
                + "', which is not in this layer (hardlinks must stay within one layer)");
      }
      current = target;
    }
    if (current.type() != EntryType.REGULAR) {
      throw new IllegalArgumentException(
          "hardlink '" + link.path() + "' points to a " + current.type() + ", not a regular file");
    }
    return current.path();
  }
}
