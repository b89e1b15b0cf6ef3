package dev.kiln.core.step;

import dev.kiln.core.layer.ContentSource;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;

/**
 * One file of a tree COPY reads from (the build context, another stage, an unpacked archive): its
 * metadata and content as the layer entry it would be at its own path, relative to the tree's root.
 *
 * @param entry the file as a layer entry at its path in the tree; null for the tree's root, a
 *     directory that no layer holds as an entry (as {@code StackView.Node.ROOT})
 * @param linkGroup for a regular file with other names (hard links) in the same tree: a key all
 *     those names share, so that COPY can keep them one file; null otherwise
 */
public record SourceFile(LayerEntry entry, String linkGroup) {

  /** The tree's root directory. */
  public static final SourceFile ROOT = new SourceFile(null, null);

  /** A file with no other names in its tree. */
  public SourceFile(LayerEntry entry) {
    this(entry, null);
  }

  /** This file, as one name of the hard-linked file {@code group}. */
  SourceFile withLinkGroup(String group) {
    return new SourceFile(entry, group);
  }

  /** The path relative to the tree's root, {@code /}-separated; empty for the root. */
  public String path() {
    return entry == null ? "" : entry.path();
  }

  public EntryType type() {
    return entry == null ? EntryType.DIRECTORY : entry.type();
  }

  /** The bytes of a regular file; empty for every other type. */
  public ContentSource content() {
    return entry == null ? ContentSource.EMPTY : entry.content();
  }

  /**
   * This file as a layer entry at its own path, its content read from where it is.
   *
   * @throws IllegalStateException for the root, which is never an entry
   */
  public LayerEntry toLayerEntry() {
    if (entry == null) {
      throw new IllegalStateException("the root directory of a tree is not a layer entry");
    }
    return entry;
  }

  boolean isDirectory() {
    return type() == EntryType.DIRECTORY;
  }

  String name() {
    String path = path();
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }
}
