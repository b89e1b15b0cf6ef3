package dev.kiln.core.output;

/**
 * Derives the tag an OCI layout records in {@code org.opencontainers.image.ref.name} and the {@code
 * RepoTags} entry of a docker archive from a full image reference.
 */
public final class TagNames {
  /**
   * The descriptor annotation containerd, BuildKit, Docker and podman read for an image's whole
   * name in an OCI layout or archive, whose {@code org.opencontainers.image.ref.name} is a tag.
   */
  public static final String CONTAINERD_NAME = "io.containerd.image.name";

  private TagNames() {}

  /** {@code registry:5000/app:1} → {@code 1}; no tag → {@code latest}; digest only → empty. */
  static String tagOf(String reference) {
    String withoutDigest = stripDigest(reference);
    int slash = withoutDigest.lastIndexOf('/');
    int colon = withoutDigest.lastIndexOf(':');
    if (colon > slash) {
      return withoutDigest.substring(colon + 1);
    }
    return reference.contains("@") ? "" : "latest";
  }

  /** {@code app} → {@code app:latest}, as docker load lists it; digests are dropped. */
  static String repoTag(String reference) {
    String withoutDigest = stripDigest(reference);
    int slash = withoutDigest.lastIndexOf('/');
    int colon = withoutDigest.lastIndexOf(':');
    return colon > slash ? withoutDigest : withoutDigest + ":latest";
  }

  private static String stripDigest(String reference) {
    int at = reference.indexOf('@');
    return at < 0 ? reference : reference.substring(0, at);
  }
}
