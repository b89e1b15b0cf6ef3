package dev.kiln.core.step;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A tree of files COPY or ADD reads from: the build context (with .dockerignore applied), the root
 * filesystem of another stage or image, or an unpacked archive. Paths are relative to the tree's
 * root; {@code ""} is the root.
 */
public interface SourceTree {
  /** What is at {@code path}, following a symlink at the last component when {@code follow}. */
  Optional<SourceFile> stat(String path, boolean follow) throws IOException;

  /** The names directly inside directory {@code dir}, sorted byte-wise (hidden ones left out). */
  List<String> list(String dir) throws IOException;

  /**
   * Every entry below directory {@code dir} (not {@code dir} itself), parents before children,
   * names byte-sorted, symlinks not followed.
   */
  void walk(String dir, Consumer<SourceFile> sink) throws IOException;

  /** For messages: {@code build context}, {@code stage build}, {@code image alpine}. */
  String describe();

  /** Whether files keep their owners (another stage) or become root's (the build context). */
  boolean keepsOwners();
}
