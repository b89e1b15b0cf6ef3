package dev.kiln.api.request;

import dev.kiln.registry.model.Compression;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code --output}: where the built image (or the final stage's files) goes, with buildx's
 * meanings.
 *
 * @param type what is written
 * @param dest file or directory ({@code -} = stdout for the tar kinds); empty for registry and
 *     store outputs
 * @param names image references for {@link Type#IMAGE}
 * @param push whether {@link Type#IMAGE} pushes its names to their registries
 * @param compression layer compression for image outputs
 * @param compressionLevel codec level, or empty for the codec's default
 * @param ociMediaTypes OCI media types (true) or Docker schema 2 ones (false)
 * @param annotations manifest annotations to add
 */
public record OutputSpec(
    Type type,
    Optional<Path> dest,
    List<String> names,
    boolean push,
    Compression compression,
    Optional<Integer> compressionLevel,
    boolean ociMediaTypes,
    Map<String, String> annotations) {

  /** The kinds of output, as buildx names them. */
  public enum Type {
    /** An image in the local store, and in registries when {@code push}. */
    IMAGE,
    /** An OCI image layout: a tar archive, or a directory when {@code tar=false}. */
    OCI,
    /** An OCI image layout written as a directory. */
    OCI_LAYOUT,
    /** A {@code docker load}-able archive. */
    DOCKER,
    /** The final stage's files copied into a directory. */
    LOCAL,
    /** The final stage's files as one tar. */
    TAR
  }

  public OutputSpec {
    names = List.copyOf(names);
    annotations = Map.copyOf(annotations);
  }

  /** This output with OCI media types (true) or Docker schema 2 ones (false). */
  public OutputSpec withOciMediaTypes(boolean oci) {
    return new OutputSpec(type, dest, names, push, compression, compressionLevel, oci, annotations);
  }

  /** Whether this output is an image (as opposed to a plain file tree). */
  public boolean isImage() {
    return type != Type.LOCAL && type != Type.TAR;
  }
}
