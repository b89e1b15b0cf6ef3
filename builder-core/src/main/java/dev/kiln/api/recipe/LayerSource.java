package dev.kiln.api.recipe;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What one layer of an {@link ImageRecipe} holds: a file placed at a path in the image, or a
 * directory whose contents are placed under one, with the files' own modes and times (clamped to
 * {@code SOURCE_DATE_EPOCH} when the build has one).
 *
 * @param source a file or directory on this machine
 * @param containerPath an absolute path in the image: the file's path, or the directory its
 *     contents go into
 * @param owner {@code USER[:GROUP]} (names or numbers) to own the files in the image; empty for
 *     root
 */
public record LayerSource(Path source, String containerPath, Optional<String> owner) {
  public LayerSource {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(containerPath, "containerPath");
    Objects.requireNonNull(owner, "owner");
  }

  /** {@code source}, owned by root, at {@code containerPath}. */
  public static LayerSource of(Path source, String containerPath) {
    return new LayerSource(source, containerPath, Optional.empty());
  }

  /** This layer with its files owned by {@code userAndGroup} ({@code 1000:1000}, {@code app}). */
  public LayerSource ownedBy(String userAndGroup) {
    return new LayerSource(source, containerPath, Optional.of(userAndGroup));
  }
}
