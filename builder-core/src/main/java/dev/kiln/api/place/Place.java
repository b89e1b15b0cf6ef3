package dev.kiln.api.place;

import dev.kiln.registry.reference.ImageReference;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an image lives, as a user named it: a registry repository, kiln's local store, an OCI
 * layout directory, or an image archive. {@link PlaceSyntax} turns text into one; {@link Places}
 * opens it as a source or writes to it as a sink.
 */
public sealed interface Place {
  /** What the user wrote, for messages. */
  String text();

  /** {@code docker://REF}, or a name that is not in the local store: a registry repository. */
  record Registry(String text, ImageReference reference) implements Place {
    public static Registry of(ImageReference reference) {
      return new Registry(reference.toString(), reference);
    }
  }

  /**
   * An image in kiln's local store, by name ({@code app:1} is {@code docker.io/library/app:1}) or
   * by digest. Where a command allows it, a name that is not in the store is looked up in its
   * registry.
   */
  record Store(String text, ImageReference reference) implements Place {
    /**
     * The name the store gives an image: the full reference with its tag ({@code
     * docker.io/library/busybox:latest}), so {@code -t busybox}, {@code FROM busybox} and {@code
     * kiln push busybox} meet.
     */
    public static String nameOf(ImageReference reference) {
      return reference.name() + ":" + reference.tagOrDefault();
    }

    public String name() {
      return nameOf(reference);
    }
  }

  /**
   * An OCI image layout directory ({@code oci:DIR}, {@code oci-layout://DIR}, an existing {@code
   * DIR}).
   *
   * @param selector which image of its {@code index.json}: a name ({@code
   *     org.opencontainers.image.ref.name}), {@code @sha256:…}, or empty for the only one
   */
  record Layout(String text, Path dir, String selector) implements Place {}

  /**
   * A tar of an image ({@code oci-archive:FILE}, {@code docker-archive:FILE}, an existing {@code
   * FILE}). Read, every kind is recognised by its content; written, the kind decides the format.
   *
   * @param selector as for {@link Layout}
   */
  record Archive(String text, Path file, String selector, ArchiveKind kind) implements Place {}

  /** What an archive holds. */
  enum ArchiveKind {
    /** An OCI layout as a tar ({@code skopeo copy oci-archive:}, buildx {@code type=oci}). */
    OCI,
    /** What {@code docker load} reads ({@code docker save}, buildx {@code type=docker}). */
    DOCKER,
    /** Not said: fine for reading, which recognises both. */
    EITHER
  }

  /** An existing directory is a layout, anything else an archive of either kind. */
  static Place ofPath(Path path, String selector, String text) {
    return Files.isDirectory(path)
        ? new Layout(text, path, selector)
        : new Archive(text, path, selector, ArchiveKind.EITHER);
  }
}
