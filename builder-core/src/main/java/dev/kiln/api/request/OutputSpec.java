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
 * @param annotations manifest annotations to add (every platform's manifest)
 * @param forceCompression whether every layer, base layers included, gets {@code compression} (and
 *     the level, when one is given), recompressed where needed ({@code force-compression})
 * @param store for {@link Type#IMAGE}: whether the image is also named in kiln's local store
 *     (always for an image that is not pushed; for a push only with {@code store=true})
 * @param rewriteTimestamp buildx's {@code rewrite-timestamp}: file times newer than {@code
 *     SOURCE_DATE_EPOCH} in the layers the build writes are clamped to it
 * @param scopedAnnotations the other annotations: of the index, of descriptors, or of one
 *     platform's manifest
 */
public record OutputSpec(
    Type type,
    Optional<Path> dest,
    List<String> names,
    boolean push,
    Compression compression,
    Optional<Integer> compressionLevel,
    boolean ociMediaTypes,
    Map<String, String> annotations,
    boolean forceCompression,
    boolean store,
    boolean rewriteTimestamp,
    List<ImageAnnotation> scopedAnnotations) {

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
    scopedAnnotations = List.copyOf(scopedAnnotations);
  }

  /**
   * An output with buildx's defaults for the options not given: no forced compression, kept in the
   * store unless pushed, no timestamp rewriting, no other annotations.
   */
  public OutputSpec(
      Type type,
      Optional<Path> dest,
      List<String> names,
      boolean push,
      Compression compression,
      Optional<Integer> compressionLevel,
      boolean ociMediaTypes,
      Map<String, String> annotations) {
    this(
        type,
        dest,
        names,
        push,
        compression,
        compressionLevel,
        ociMediaTypes,
        annotations,
        false,
        !push,
        false,
        List.of());
  }

  /** This output with OCI media types (true) or Docker schema 2 ones (false). */
  public OutputSpec withOciMediaTypes(boolean oci) {
    return new OutputSpec(
        type,
        dest,
        names,
        push,
        compression,
        compressionLevel,
        oci,
        annotations,
        forceCompression,
        store,
        rewriteTimestamp,
        scopedAnnotations);
  }

  /** This output writing to {@code newDest}. */
  public OutputSpec withDest(Path newDest) {
    return new OutputSpec(
        type,
        Optional.of(newDest),
        names,
        push,
        compression,
        compressionLevel,
        ociMediaTypes,
        annotations,
        forceCompression,
        store,
        rewriteTimestamp,
        scopedAnnotations);
  }

  /** Whether this output is an image (as opposed to a plain file tree). */
  public boolean isImage() {
    return type != Type.LOCAL && type != Type.TAR;
  }
}
