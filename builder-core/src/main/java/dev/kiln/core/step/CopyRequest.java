package dev.kiln.core.step;

import dev.kiln.core.fs.StackView;
import dev.kiln.dockerfile.instructions.FileModeSpec;
import dev.kiln.dockerfile.instructions.SourceContent;
import java.util.List;
import java.util.Optional;

/**
 * One COPY or ADD, with everything resolved except the file contents: where files come from, where
 * they go, and how their metadata changes.
 *
 * @param sources the source paths as written (relative to {@code tree}'s root)
 * @param heredocs inline sources ({@code COPY <<EOF /dst})
 * @param dest the destination as written
 * @param workdir the stage's working directory (relative destinations start there)
 * @param tree where the sources are read
 * @param rootfs the stage's files so far, to resolve the destination through symlinks and keep the
 *     metadata of existing parent directories; empty for {@code --link}, which copies onto nothing
 * @param owner {@code --chown}, resolved; empty to keep the tree's owners (or root's)
 * @param chmod {@code --chmod}, or empty
 * @param unpackArchives ADD: local tar archives are unpacked into the destination
 * @param excludes {@code --exclude} patterns
 * @param createdTime seconds since the epoch for directories the copy creates
 * @param parents {@code COPY --parents}: each source keeps its path (below an optional {@code /./}
 *     pivot) under the destination
 */
public record CopyRequest(
    String instruction,
    List<String> sources,
    List<SourceContent> heredocs,
    String dest,
    String workdir,
    SourceTree tree,
    Optional<StackView> rootfs,
    Optional<Owner> owner,
    Optional<FileModeSpec> chmod,
    boolean unpackArchives,
    List<String> excludes,
    long createdTime,
    boolean parents) {
  public CopyRequest {
    sources = List.copyOf(sources);
    heredocs = List.copyOf(heredocs);
    excludes = List.copyOf(excludes);
  }

  /** A copy without {@code --parents}. */
  public CopyRequest(
      String instruction,
      List<String> sources,
      List<SourceContent> heredocs,
      String dest,
      String workdir,
      SourceTree tree,
      Optional<StackView> rootfs,
      Optional<Owner> owner,
      Optional<FileModeSpec> chmod,
      boolean unpackArchives,
      List<String> excludes,
      long createdTime) {
    this(
        instruction,
        sources,
        heredocs,
        dest,
        workdir,
        tree,
        rootfs,
        owner,
        chmod,
        unpackArchives,
        excludes,
        createdTime,
        false);
  }
}
