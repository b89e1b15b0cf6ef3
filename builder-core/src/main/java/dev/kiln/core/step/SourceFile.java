package dev.kiln.core.step;

import dev.kiln.core.layer.ContentSource;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import java.util.Map;

/**
 * One file of a tree COPY reads from (the build context, another stage, an unpacked archive), with
 * the metadata a layer entry needs. {@code path} is relative to the tree's root, {@code
 * /}-separated.
 *
 * @param linkGroup for a regular file with other names (hard links) in the same tree: a key all
 *     those names share, so that COPY can keep them one file; null otherwise
 */
public record SourceFile(
    String path,
    EntryType type,
    int mode,
    long uid,
    long gid,
    long size,
    long mtime,
    String linkTarget,
    int devMajor,
    int devMinor,
    Map<String, byte[]> xattrs,
    ContentSource content,
    String linkGroup) {

  /** A file with no other names in its tree. */
  public SourceFile(
      String path,
      EntryType type,
      int mode,
      long uid,
      long gid,
      long size,
      long mtime,
      String linkTarget,
      int devMajor,
      int devMinor,
      Map<String, byte[]> xattrs,
      ContentSource content) {
    this(
        path,
        type,
        mode,
        uid,
        gid,
        size,
        mtime,
        linkTarget,
        devMajor,
        devMinor,
        xattrs,
        content,
        null);
  }

  /** This file, as one name of the hard-linked file {@code group}. */
  SourceFile withLinkGroup(String group) {
    return new SourceFile(
        path,
        type,
        mode,
        uid,
        gid,
        size,
        mtime,
        linkTarget,
        devMajor,
        devMinor,
        xattrs,
        content,
        group);
  }

  /** This file as a layer entry at its own path, its content read from where it is. */
  public LayerEntry toLayerEntry() {
    return new LayerEntry(
        path,
        type,
        mode,
        uid,
        gid,
        size,
        mtime,
        linkTarget,
        devMajor,
        devMinor,
        xattrs,
        type == EntryType.REGULAR ? content : null);
  }

  boolean isDirectory() {
    return type == EntryType.DIRECTORY;
  }

  String name() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }
}
