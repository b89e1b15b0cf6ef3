package dev.kiln.registry.model;

import java.util.Set;

/**
 * The media types kiln reads and writes, with predicates that group them the way callers ask: "is
 * this an index?", "is this a layer, and how is it compressed?".
 *
 * <p>Media types stay plain strings in the records so that a type kiln does not know (an artifact,
 * a vendor layer) survives a round trip; these constants only name the ones kiln acts on.
 */
public final class MediaType {
  private MediaType() {}

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String OCI_LAYER_NONDISTRIBUTABLE =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";
  public static final String OCI_LAYER_NONDISTRIBUTABLE_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
  public static final String OCI_LAYER_NONDISTRIBUTABLE_ZSTD =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** Docker's pre-distribution schema 1; recognised only to refuse it with a clear message. */
  public static final String DOCKER_SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  public static final String DOCKER_SCHEMA1 =
      "application/vnd.docker.distribution.manifest.v1+json";

  private static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
  private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
  private static final Set<String> CONFIGS = Set.of(OCI_CONFIG, DOCKER_CONFIG);
  private static final Set<String> GZIP_LAYERS =
      Set.of(
          OCI_LAYER_GZIP,
          OCI_LAYER_NONDISTRIBUTABLE_GZIP,
          DOCKER_LAYER_GZIP,
          DOCKER_FOREIGN_LAYER_GZIP);
  private static final Set<String> ZSTD_LAYERS =
      Set.of(OCI_LAYER_ZSTD, OCI_LAYER_NONDISTRIBUTABLE_ZSTD);
  private static final Set<String> PLAIN_LAYERS = Set.of(OCI_LAYER, OCI_LAYER_NONDISTRIBUTABLE);
  private static final Set<String> FOREIGN_LAYERS =
      Set.of(
          DOCKER_FOREIGN_LAYER_GZIP,
          OCI_LAYER_NONDISTRIBUTABLE,
          OCI_LAYER_NONDISTRIBUTABLE_GZIP,
          OCI_LAYER_NONDISTRIBUTABLE_ZSTD);

  /**
   * The {@code Accept} header for manifest requests: every manifest and index type kiln can read,
   * so the registry never down-converts to schema 1.
   */
  public static final String MANIFEST_ACCEPT =
      String.join(", ", OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

  /** An image manifest (OCI or Docker schema 2), not an index. */
  public static boolean isManifest(String mediaType) {
    return mediaType != null && MANIFESTS.contains(mediaType);
  }

  /** An OCI image index or a Docker manifest list. */
  public static boolean isIndex(String mediaType) {
    return mediaType != null && INDEXES.contains(mediaType);
  }

  /** An image config (OCI or Docker). */
  public static boolean isConfig(String mediaType) {
    return mediaType != null && CONFIGS.contains(mediaType);
  }

  /** A filesystem layer of any compression, including foreign/non-distributable ones. */
  public static boolean isLayer(String mediaType) {
    return isGzipLayer(mediaType) || isZstdLayer(mediaType) || isUncompressedLayer(mediaType);
  }

  public static boolean isGzipLayer(String mediaType) {
    return mediaType != null && GZIP_LAYERS.contains(mediaType);
  }

  public static boolean isZstdLayer(String mediaType) {
    return mediaType != null && ZSTD_LAYERS.contains(mediaType);
  }

  public static boolean isUncompressedLayer(String mediaType) {
    return mediaType != null && PLAIN_LAYERS.contains(mediaType);
  }

  /**
   * A layer that registries may not store (Windows base layers): it is fetched from its {@code
   * urls}, and kiln neither uploads nor mounts it.
   */
  public static boolean isForeignLayer(String mediaType) {
    return mediaType != null && FOREIGN_LAYERS.contains(mediaType);
  }

  /** Docker's media types belong together: a Docker manifest uses Docker config/layer types. */
  public static boolean isDocker(String mediaType) {
    return mediaType != null && mediaType.startsWith("application/vnd.docker.");
  }

  /** Schema 1 manifests, which kiln refuses (they were deprecated in 2017). */
  public static boolean isSchema1(String mediaType) {
    return DOCKER_SCHEMA1.equals(mediaType) || DOCKER_SCHEMA1_SIGNED.equals(mediaType);
  }

  /** Strips parameters ({@code ; charset=utf-8}) and whitespace from a Content-Type header. */
  public static String fromContentType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
  }
}
