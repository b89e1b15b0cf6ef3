package dev.kiln.core.step;

import dev.kiln.core.layer.ContentSource;
import dev.kiln.core.layer.EntryType;
import java.util.Map;

/**
 * One file of a tree COPY reads from (the build context, another stage, an unpacked archive), with
 * the metadata a layer entry needs. {@code path} is relative to the tree's root, {@code
 * /}-separated.
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
    ContentSource content) {
  boolean isDirectory() {
    return type == EntryType.DIRECTORY;
  }

  String name() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }
}
