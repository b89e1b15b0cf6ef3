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

  /** What the tree is, for messages: "the build context", "stage build". */
  String description();
}
