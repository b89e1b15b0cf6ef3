package dev.kiln.core.checksum;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A file system a checksum can be taken of: a build context on disk, an extracted stage, or the
 * layer entries of a stage. Paths are relative to the tree's root, {@code /}-separated and
 * canonical; {@code ""} is the root.
 *
 * <p>A tree never follows symlinks itself: {@link TreeChecksummer} resolves them, confined to the
 * tree, and only asks for paths whose parents are real directories. Files a tree excludes (by
 * {@code .dockerignore}) simply do not exist in it.
 */
public interface FileTree {
  /** The file at {@code path}, not following a symlink there; empty if absent or excluded. */
  Optional<FileMeta> stat(String path) throws IOException;

  /** The names of the directory's children that exist in this tree, byte-sorted. */
  List<String> childNames(String directory) throws IOException;

  /** The bytes' digest and the capability attribute of the regular file at {@code path}. */
  FileContent content(String path) throws IOException;

  /**
   * Whether {@link #content} of different files may run at the same time and gains from it: true
   * for files on disk, whose reading and hashing can use every core.
   */
  default boolean readsInParallel() {
    return false;
  }

  /**
   * Whether {@link #content} of {@code path} would answer without reading the file (it is memoised,
   * or has no bytes): such files are not worth handing to another thread.
   */
  default boolean contentKnown(String path) throws IOException {
    return false;
  }

  /** What the tree is, for messages: "the build context", "stage build". */
  String description();
}
