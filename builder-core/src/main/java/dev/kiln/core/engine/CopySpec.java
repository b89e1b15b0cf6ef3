package dev.kiln.core.engine;

import dev.kiln.dockerfile.instructions.AddInstruction;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.FileModeSpec;
import dev.kiln.dockerfile.instructions.GitReference;
import dev.kiln.dockerfile.instructions.SourcesAndDest;
import java.util.List;

/**
 * What one COPY or ADD asks for, as a value rather than a row of flags.
 *
 * @param add whether it is ADD (archives unpacked, URLs downloaded)
 * @param files the sources (paths, globs, heredocs) and the destination
 * @param chown {@code --chown} as written, or empty
 * @param chmod {@code --chmod}, or null
 * @param unpack ADD: whether archives are unpacked ({@code --unpack}; by default local ones are,
 *     downloaded ones are not, as in BuildKit)
 * @param checksum ADD: {@code --checksum}, or null
 * @param keepGitDir ADD of a git repository: {@code --keep-git-dir}
 */
record CopySpec(
    boolean add,
    SourcesAndDest files,
    String chown,
    FileModeSpec chmod,
    boolean link,
    boolean parents,
    List<String> excludes,
    boolean unpack,
    String checksum,
    boolean keepGitDir) {

  static CopySpec of(CopyInstruction copy) {
    return new CopySpec(
        false,
        copy.files(),
        copy.chown(),
        copy.chmod(),
        copy.link(),
        copy.parents(),
        copy.excludes(),
        false,
        null,
        false);
  }

  static CopySpec of(AddInstruction add) {
    return new CopySpec(
        true,
        add.files(),
        add.chown(),
        add.chmod(),
        add.link(),
        add.parents(),
        add.excludes(),
        add.unpackOption()
            .orElse(add.files().sourcePaths().stream().noneMatch(AddDownloads::isUrl)),
        add.checksum(),
        add.keepGitDir());
  }

  /** {@code ADD} or {@code COPY}, for messages. */
  String name() {
    return add ? "ADD" : "COPY";
  }

  /** Whether the sources are URLs to download (ADD only; git repositories are not). */
  boolean downloads() {
    return add && !git() && files.sourcePaths().stream().anyMatch(AddDownloads::isUrl);
  }

  /** Whether the sources are git repositories (ADD only). */
  boolean git() {
    return add && files.sourcePaths().stream().anyMatch(GitReference::isGit);
  }
}
