package dev.kiln.api.recipe;

import dev.kiln.api.request.OutputSpec;
import dev.kiln.registry.model.Compression;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an {@link ImageRecipe}'s image goes, and the names it goes by: a registry, an OCI archive
 * ({@code podman load}, {@code skopeo copy oci-archive:}), an OCI layout directory, or a {@code
 * docker load} archive. Layers are gzip-compressed.
 *
 * @param output the build's output
 * @param names full references; the first names the image, the others are more tags
 */
public record Destination(OutputSpec output, List<String> names) {
  public Destination {
    names = List.copyOf(names);
  }

  /** Pushed to {@code reference} and to each of {@code moreNames} (full references). */
  public static Destination registry(String reference, String... moreNames) {
    List<String> names = new ArrayList<>(List.of(reference));
    names.addAll(Arrays.asList(moreNames));
    return new Destination(output(OutputSpec.Type.IMAGE, null, true, true), names);
  }

  /** An OCI archive at {@code file}, its image tagged as {@code name}'s tag. */
  public static Destination ociArchive(Path file, String name) {
    return new Destination(output(OutputSpec.Type.OCI, file, false, true), List.of(name));
  }

  /** An OCI layout directory at {@code dir}; other images already in it stay. */
  public static Destination layout(Path dir, String name) {
    return new Destination(output(OutputSpec.Type.OCI_LAYOUT, dir, false, true), List.of(name));
  }

  /** A {@code docker load} archive at {@code file}, named {@code name}. */
  public static Destination dockerArchive(Path file, String name) {
    return new Destination(output(OutputSpec.Type.DOCKER, file, false, false), List.of(name));
  }

  private static OutputSpec output(
      OutputSpec.Type type, Path dest, boolean push, boolean ociMediaTypes) {
    return new OutputSpec(
        type,
        Optional.ofNullable(dest),
        List.of(),
        push,
        Compression.GZIP,
        Optional.empty(),
        ociMediaTypes,
        Map.of());
  }
}
